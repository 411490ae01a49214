// Reading a whole small file (a scenario, a PEM key) into memory.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace loadgate {

// The file's contents, or nullopt when it cannot be opened or read (errno says why).
std::optional<std::string> read_text_file(const std::filesystem::path& file);

}  // namespace loadgate
