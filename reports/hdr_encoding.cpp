#include "reports/hdr_encoding.h"

#include <bit>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>
#include <zlib.h>

namespace loadgate {
namespace {

constexpr uint32_t kEncodingCookie = 0x1c849303 | 0x10;  // V2, LEB128-64b9B + ZigZag words
constexpr uint32_t kCompressedCookie = 0x1c849304 | 0x10;
constexpr size_t kHeaderBytes = 40;
constexpr int32_t kSignificantDigits = 3;
constexpr int64_t kLowestDiscernible = 1;

void put_be(std::vector<uint8_t>& out, uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

uint64_t get_be(const uint8_t* in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | in[i];
  return value;
}

// LEB128 with a 9th byte that carries a full 8 bits (HdrHistogram's "64b9B").
void put_zigzag(std::vector<uint8_t>& out, int64_t signed_value) {
  uint64_t value =
      (static_cast<uint64_t>(signed_value) << 1) ^ static_cast<uint64_t>(signed_value >> 63);
  for (int i = 0; i < 8; ++i) {
    if (value < 0x80) {
      out.push_back(static_cast<uint8_t>(value));
      return;
    }
    out.push_back(static_cast<uint8_t>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<uint8_t>(value));
}

int64_t get_zigzag(const uint8_t*& in, const uint8_t* end) {
  uint64_t value = 0;
  for (int i = 0; i < 9; ++i) {
    if (in == end) throw std::invalid_argument("the histogram's counts end mid-word");
    const uint8_t byte = *in++;
    if (i == 8) {
      value |= static_cast<uint64_t>(byte) << 56;
      break;
    }
    value |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) break;
  }
  return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

std::string base64(const std::vector<uint8_t>& bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  text.resize(static_cast<size_t>(written));
  return text;
}

std::vector<uint8_t> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    throw std::invalid_argument("not base64 (its length is not a multiple of 4)");
  std::vector<uint8_t> bytes(text.size() / 4 * 3);
  const int written =
      EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (written < 0) throw std::invalid_argument("not base64");
  // EVP_DecodeBlock keeps the padding's zero bytes.
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++padding;
  bytes.resize(static_cast<size_t>(written) - padding);
  return bytes;
}

}  // namespace

std::string encode_compressed_base64(const Histogram& histogram) {
  const auto& counts = histogram.counts();
  size_t length = counts.size();
  while (length > 0 && counts[length - 1] == 0) --length;
  std::vector<uint8_t> plain;
  put_be(plain, kEncodingCookie, 4);
  put_be(plain, 0, 4);  // payload length, filled in below
  put_be(plain, 0, 4);  // normalizing index offset
  put_be(plain, kSignificantDigits, 4);
  put_be(plain, kLowestDiscernible, 8);
  put_be(plain, Histogram::kHighestTrackableMicros, 8);
  put_be(plain, std::bit_cast<uint64_t>(1.0), 8);  // integer to double conversion ratio
  for (size_t i = 0; i < length;) {
    if (counts[i] != 0) {
      put_zigzag(plain, static_cast<int64_t>(counts[i++]));
      continue;
    }
    int64_t zeros = 0;
    while (i < length && counts[i] == 0) ++zeros, ++i;
    put_zigzag(plain, zeros == 1 ? 0 : -zeros);
  }
  const uint32_t payload = static_cast<uint32_t>(plain.size() - kHeaderBytes);
  for (int i = 0; i < 4; ++i) plain[4 + i] = static_cast<uint8_t>(payload >> (8 * (3 - i)));

  uLongf deflated_length = compressBound(plain.size());
  std::vector<uint8_t> framed(8 + deflated_length);
  if (compress(framed.data() + 8, &deflated_length, plain.data(), plain.size()) != Z_OK)
    throw std::runtime_error("zlib could not compress a histogram");
  framed.resize(8 + deflated_length);
  for (int i = 0; i < 4; ++i) {
    framed[i] = static_cast<uint8_t>(kCompressedCookie >> (8 * (3 - i)));
    framed[4 + i] = static_cast<uint8_t>(deflated_length >> (8 * (3 - i)));
  }
  return base64(framed);
}

std::vector<uint64_t> decode_compressed_base64(std::string_view text) {
  const auto framed = unbase64(text);
  if (framed.size() < 8 || get_be(framed.data(), 4) != kCompressedCookie)
    throw std::invalid_argument("not an HdrHistogram V2 compressed histogram (HISTF...)");
  const size_t deflated_length = get_be(framed.data() + 4, 4);
  if (deflated_length > framed.size() - 8)
    throw std::invalid_argument("the compressed histogram is truncated");
  // Our layout bounds the plain size: the header and at most 9 bytes per bucket.
  std::vector<uint8_t> plain(kHeaderBytes + 9 * Histogram::counts_length());
  uLongf plain_length = plain.size();
  if (uncompress(plain.data(), &plain_length, framed.data() + 8, deflated_length) != Z_OK)
    throw std::invalid_argument("the compressed histogram does not inflate");
  if (plain_length < kHeaderBytes || get_be(plain.data(), 4) != kEncodingCookie)
    throw std::invalid_argument("not an HdrHistogram V2 histogram");
  const size_t payload = get_be(plain.data() + 4, 4);
  if (static_cast<int32_t>(get_be(plain.data() + 12, 4)) != kSignificantDigits ||
      static_cast<int64_t>(get_be(plain.data() + 16, 8)) != kLowestDiscernible)
    throw std::invalid_argument(
        "a histogram of another layout (loadgate keeps 3 significant digits from 1 us)");
  if (payload > plain_length - kHeaderBytes)
    throw std::invalid_argument("the histogram's counts are truncated");
  std::vector<uint64_t> counts;
  const uint8_t* in = plain.data() + kHeaderBytes;
  const uint8_t* end = in + payload;
  while (in < end) {
    const int64_t word = get_zigzag(in, end);
    const size_t room = Histogram::counts_length() - counts.size();
    if (word >= 0 ? room < 1 : word < -static_cast<int64_t>(room))
      throw std::invalid_argument("a histogram beyond 1 h (more buckets than loadgate keeps)");
    if (word >= 0)
      counts.push_back(static_cast<uint64_t>(word));
    else
      counts.insert(counts.end(), static_cast<size_t>(-word), 0);
  }
  return counts;
}

}  // namespace loadgate
