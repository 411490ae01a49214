#include "session/checklist.h"

#include <set>

#include <fmt/format.h>

#include "harness/config_node.h"
#include "harness/text_file.h"

namespace loadgate {
namespace {

// A path written in the checklist, relative to the checklist's folder; it must exist.
std::filesystem::path path_beside(const std::filesystem::path& checklist, const ConfigNode& node) {
  const std::filesystem::path written = node.as_string();
  const std::filesystem::path path =
      written.is_absolute() ? written : checklist.parent_path() / written;
  if (!std::filesystem::is_regular_file(path))
    node.fail(fmt::format("no such file: {}", path.string()));
  return path;
}

ChecklistStep read_step(const std::filesystem::path& file, const ConfigNode& node) {
  node.allow_only({"scenario", "claims", "set"});
  ChecklistStep step;
  step.scenario = path_beside(file, node.at("scenario"));
  if (auto claims = node.find("claims"))
    for (const auto& c : claims->as_list()) step.claims.push_back(path_beside(file, c));
  if (auto overrides = node.find("set"))
    for (const auto& o : overrides->as_list()) {
      const std::string text = o.as_string();
      if (text.find('=') == std::string::npos) o.fail("write PATH=VALUE, as for --set");
      step.overrides.push_back(text);
    }
  return step;
}

}  // namespace

Checklist load_checklist(const std::filesystem::path& file) {
  const auto text = read_text_file(file);
  if (!text)
    throw ConfigError(fmt::format("{}: cannot read the checklist: {}", file.string(),
                                  std::error_code(errno, std::generic_category()).message()));
  const auto source = std::make_shared<const ConfigSource>(ConfigSource{file.string(), {}});
  const ConfigNode root(parse_yaml_text(*text, file.string()), source, "");
  root.allow_only({"name", "source", "items"});
  Checklist list;
  list.file = file;
  list.name = root.at("name").as_string();
  if (auto src = root.find("source")) {
    src->allow_only({"doc", "section"});
    list.source_doc = src->at("doc").as_string();
    if (auto section = src->find("section")) list.source_section = section->as_string();
  }
  std::set<std::string> ids;
  for (const auto& node : root.at("items").as_list()) {
    node.allow_only({"id", "check", "quote", "gate", "steps"});
    ChecklistItem item;
    item.id = node.at("id").as_string();
    if (!ids.insert(item.id).second) node.at("id").fail("item ids must be unique in a checklist");
    item.check = node.at("check").as_string();
    if (auto quote = node.find("quote")) item.quote = quote->as_string();
    if (auto gate = node.find("gate")) item.gate = gate->as_bool();
    for (const auto& step : node.at("steps").as_list()) item.steps.push_back(read_step(file, step));
    if (item.steps.empty()) node.at("steps").fail("an item needs at least one step");
    list.items.push_back(std::move(item));
  }
  if (list.items.empty()) root.at("items").fail("a checklist needs at least one item");
  return list;
}

}  // namespace loadgate
