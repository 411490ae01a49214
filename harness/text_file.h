// Reading a whole small file (a scenario, a PEM key) into memory, and writing one (a report).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace loadgate {

// The file's contents, or nullopt when it cannot be opened or read (errno says why).
std::optional<std::string> read_text_file(const std::filesystem::path& file);
// Writes `text` as the whole file; throws std::runtime_error naming the file when it cannot.
void write_text_file(const std::filesystem::path& file, const std::string& text);

}  // namespace loadgate
