// What every fuzz target needs of its input: text split into parts, and files to hand readers
// that take a path (loadgate report reads run directories users pass around).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace loadgate::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// `text` cut at every `separator`; one part when it has none.
std::vector<std::string_view> split(std::string_view text, std::string_view separator);

// A directory of this process's own (under /dev/shm when it exists: a file per execution must
// not cost a disk write), emptied of what the previous input left.
const std::filesystem::path& scratch_dir();
void write_file(const std::filesystem::path& file, std::string_view text);

}  // namespace loadgate::fuzz
