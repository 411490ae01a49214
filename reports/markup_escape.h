// Text made safe inside XML and HTML elements and attributes (JUnit XML, the HTML report), and
// inside a Markdown table cell.
#pragma once

#include <string>
#include <string_view>

namespace loadgate {

// & < > " ' as entities (&#39; for the apostrophe, which XML and HTML both read); the control
// characters XML 1.0 has no place for are dropped.
std::string markup_escape(std::string_view text);

// Pipes escaped and line breaks made spaces: either would end a Markdown table cell early.
std::string markdown_cell(std::string_view text);

}  // namespace loadgate
