// Text made safe inside XML and HTML elements and attributes (JUnit XML, the HTML report).
#pragma once

#include <string>
#include <string_view>

namespace loadgate {

// & < > " ' as entities (&#39; for the apostrophe, which XML and HTML both read); the control
// characters XML 1.0 has no place for are dropped.
std::string markup_escape(std::string_view text);

}  // namespace loadgate
