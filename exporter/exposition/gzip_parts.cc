#include "exposition/gzip_parts.h"

#include <zlib.h>

#include <array>
#include <stdexcept>

namespace fme {
namespace {

// Minimal gzip header: magic, deflate, no flags, no mtime, no extra flags, OS unknown.
constexpr std::array<unsigned char, 10> kGzipHeader = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};

// Deflates `data` as a raw stream, ending with `flush` (Z_SYNC_FLUSH or Z_FINISH).
std::string RawDeflate(std::string_view data, int level, int flush) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 16);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  // deflateBound covers Z_FINISH; a sync flush adds at most a few bytes more, reserved above.
  int rc = deflate(&zs, flush);
  deflateEnd(&zs);
  if ((flush == Z_FINISH && rc != Z_STREAM_END) || (flush != Z_FINISH && rc != Z_OK)) {
    throw std::runtime_error("deflate failed");
  }
  out.resize(zs.total_out);
  return out;
}

void AppendLe32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

uint32_t Crc(std::string_view data) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

}  // namespace

DeflatedPart DeflateBody(std::string_view data, int level) {
  DeflatedPart part;
  part.deflate = RawDeflate(data, level, Z_SYNC_FLUSH);
  part.crc = Crc(data);
  part.size = data.size();
  return part;
}

std::string_view GzipHeader() {
  return {reinterpret_cast<const char*>(kGzipHeader.data()), kGzipHeader.size()};
}

std::string GzipSuffix(std::initializer_list<const DeflatedPart*> parts, std::string_view tail) {
  std::string out = RawDeflate(tail, Z_DEFAULT_COMPRESSION, Z_FINISH);
  uLong crc = crc32(0, nullptr, 0);
  uint64_t size = 0;
  for (const DeflatedPart* p : parts) {
    crc = crc32_combine(crc, p->crc, static_cast<z_off_t>(p->size));
    size += p->size;
  }
  crc = crc32_combine(crc, Crc(tail), static_cast<z_off_t>(tail.size()));
  AppendLe32(out, static_cast<uint32_t>(crc));
  AppendLe32(out, static_cast<uint32_t>((size + tail.size()) & 0xffffffffu));
  return out;
}

std::string ComposeGzip(const DeflatedPart& body, std::string_view tail) {
  std::string out(GzipHeader());
  out += body.deflate;
  out += GzipSuffix(body, tail);
  return out;
}

bool GunzipForTest(std::string_view gz, std::string& out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::array<char, 1 << 16> buf;
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = buf.size();
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - zs.avail_out);
  }
  bool ok = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  return ok;
}

}  // namespace fme
