// HdrHistogram's V2 compressed encoding ("HISTF..." base64), so loadgate's histograms can be read
// by existing HdrHistogram tools (HistogramLogAnalyzer, hdr-histogram-js, HdrHistogram_c/py) and
// read back exactly by loadgate itself (`loadgate report` re-judges claims from result.json).
//
// The layout is the one harness/histogram.h keeps: lowest discernible value 1 (µs), highest
// trackable 1 h, 3 significant digits. Counts are ZigZag LEB128 words, zero runs as negative
// words, the whole deflated (zlib) behind a 4-byte cookie and length, then base64.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/histogram.h"

namespace loadgate {

std::string encode_compressed_base64(const Histogram& histogram);

// Only the counts travel in the encoding; min, max, mean and out-of-range counts come from the
// caller (result.json keeps them beside it). Throws std::invalid_argument saying what is wrong:
// not base64, not a V2 compressed histogram, another layout, a truncated payload.
std::vector<uint64_t> decode_compressed_base64(std::string_view text);

}  // namespace loadgate
