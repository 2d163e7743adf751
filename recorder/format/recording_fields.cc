#include "recorder/format/recording_fields.h"

#include <charconv>

namespace trunkline::recorder {
namespace {

void put_stats(FieldList& f, const char* leg, const StreamStats& s) {
  const std::string p = std::string(leg) + "_";
  f.set_u64(p + "packets_received", s.received);
  f.set_u64(p + "packets_expected", s.expected);
  f.set_u64(p + "packets_lost", s.lost());
  f.set_u64(p + "packets_late", s.late);
  f.set_u64(p + "packets_duplicate", s.duplicates);
  f.set_u64(p + "packets_out_of_window", s.out_of_window);
  f.set_u64(p + "packets_non_audio", s.non_audio);
  f.set_u64(p + "reanchors", s.reanchors);
  f.set_u64(p + "packets_transcoded", s.transcoded);
}

bool get_stats(const FieldList& f, const char* leg, StreamStats& s) {
  const std::string p = std::string(leg) + "_";
  auto get = [&](const char* name, std::uint64_t& out) {
    auto v = f.get_int(p + name);
    if (!v || *v < 0) return false;
    out = static_cast<std::uint64_t>(*v);
    return true;
  };
  return get("packets_received", s.received) && get("packets_expected", s.expected) &&
         get("packets_late", s.late) && get("packets_duplicate", s.duplicates) &&
         get("packets_out_of_window", s.out_of_window) && get("packets_non_audio", s.non_audio) &&
         get("reanchors", s.reanchors) && get("packets_transcoded", s.transcoded);
}

bool parse_spans(std::string_view text, std::vector<FrameSpan>& out) {
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    const std::size_t dash = item.find('-');
    if (dash == std::string_view::npos) return false;
    FrameSpan s;
    auto a = std::from_chars(item.data(), item.data() + dash, s.begin);
    auto b = std::from_chars(item.data() + dash + 1, item.data() + item.size(), s.end);
    if (a.ec != std::errc() || b.ec != std::errc() || a.ptr != item.data() + dash ||
        b.ptr != item.data() + item.size() || s.end <= s.begin)
      return false;
    out.push_back(s);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return true;
}

}  // namespace

FieldList make_metadata(const CallDetails& call, std::int64_t start_us) {
  FieldList f;
  f.set("tenant_id", call.tenant_id);
  f.set("recording_id", call.recording_id);
  f.set("call_id", call.call_id);
  f.set("caller_number", call.caller_number);
  f.set("did", call.did);
  f.set("skill", call.skill);
  f.set("agent", call.agent);
  f.set("codec", call.codec);
  f.set("start_us", start_us);
  f.set("channels", "left=caller,right=agent");
  return f;
}

std::string format_spans(const std::vector<FrameSpan>& spans) {
  std::string out;
  for (const FrameSpan& s : spans) {
    if (!out.empty()) out += ',';
    out += std::to_string(s.begin) + "-" + std::to_string(s.end);
  }
  return out;
}

void append_span(std::vector<FrameSpan>& spans, const FrameSpan& span) {
  if (!spans.empty() && spans.back().end == span.begin) {
    spans.back().end = span.end;
  } else {
    spans.push_back(span);
  }
}

FieldList make_trailer(const TrailerInfo& t) {
  FieldList f;
  f.set("status", t.recovered ? "recovered" : "complete");
  f.set("start_us", t.start_us);
  f.set("end_us", t.end_us);
  f.set("frames", t.frames);
  f.set("duration_ms", t.frames / 8);
  f.set_u64("audio_segments", t.audio_segments);
  f.set("pcm_sha256", to_hex(t.pcm_sha256));
  f.set("pauses", format_spans(t.pauses));
  std::int64_t paused = 0;
  for (const FrameSpan& s : t.pauses) paused += s.end - s.begin;
  f.set("paused_ms", paused / 8);
  put_stats(f, "caller", t.caller);
  put_stats(f, "agent", t.agent);
  return f;
}

Result<TrailerInfo> parse_trailer(const FieldList& f) {
  TrailerInfo t;
  auto status = f.get("status");
  if (!status || (*status != "complete" && *status != "recovered"))
    return Error{"trailer has no valid status"};
  t.recovered = *status == "recovered";
  auto start = f.get_int("start_us");
  auto end = f.get_int("end_us");
  auto frames = f.get_int("frames");
  auto segments = f.get_int("audio_segments");
  auto sha = f.get("pcm_sha256");
  auto pauses = f.get("pauses");
  if (!start || !end || !frames || *frames < 0 || !segments || *segments < 0 || !sha ||
      sha->size() != 64 || !pauses)
    return Error{"trailer is missing required fields"};
  t.start_us = *start;
  t.end_us = *end;
  t.frames = *frames;
  t.audio_segments = static_cast<std::uint32_t>(*segments);
  for (std::size_t i = 0; i < 32; ++i) {
    auto r = std::from_chars(sha->data() + 2 * i, sha->data() + 2 * i + 2, t.pcm_sha256[i], 16);
    if (r.ec != std::errc() || r.ptr != sha->data() + 2 * i + 2)
      return Error{"trailer checksum is not hex"};
  }
  if (!parse_spans(*pauses, t.pauses)) return Error{"trailer pause list is malformed"};
  if (!get_stats(f, "caller", t.caller) || !get_stats(f, "agent", t.agent))
    return Error{"trailer loss statistics are missing"};
  return t;
}

}  // namespace trunkline::recorder
