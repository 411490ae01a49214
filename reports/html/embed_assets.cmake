# Writes html_assets.h: report.js and report.css as C++ string constants (raw literals).
file(READ ${JS} js)
file(READ ${CSS} css)
set(delimiter "loadgate_asset")
string(FIND "${js}${css}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "an asset contains the raw-string delimiter )${delimiter}\"")
endif()
file(WRITE ${OUT} "// Generated from reports/html/report.{js,css} by embed_assets.cmake: edit those.\n#pragma once\n\nnamespace loadgate {\n\ninline constexpr const char* kReportJs = R\"${delimiter}(${js})${delimiter}\";\ninline constexpr const char* kReportCss = R\"${delimiter}(${css})${delimiter}\";\n\n}  // namespace loadgate\n")
