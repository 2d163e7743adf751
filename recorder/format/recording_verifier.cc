#include "recorder/format/recording_verifier.h"

#include <bit>

#include "recorder/format/audio_segment.h"
#include "recorder/format/record_scanner.h"

namespace trunkline::recorder {

static_assert(std::endian::native == std::endian::little, "PCM is handed out s16le from memory");

bool VerifyReport::valid() const {
  if (checks.empty()) return false;
  for (const VerifyCheck& c : checks)
    if (!c.ok) return false;
  return true;
}

std::string VerifyReport::first_failure() const {
  for (const VerifyCheck& c : checks)
    if (!c.ok) return c.name + ": " + c.detail;
  return {};
}

VerifyExpectations expectations_from_location(
    const std::filesystem::path& path, const std::function<bool(std::string_view)>& is_tenant) {
  VerifyExpectations e;
  std::string name = path.filename().string();
  for (const std::string& suffix : {std::string(kSpoolSuffix), std::string(kRecordingSuffix)}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.resize(name.size() - suffix.size());
      break;
    }
  }
  e.recording_id = recording_id_from_hex(name);
  if (e.recording_id) {
    std::filesystem::path parent = std::filesystem::absolute(path).parent_path();
    const std::string dir = parent.filename().string();
    if (validate_tenant_id(dir) && is_tenant && is_tenant(dir)) e.tenant_id = dir;
  }
  return e;
}

namespace {

class Verifier {
 public:
  Verifier(KeyProvider& keys, AudioSink* sink, VerifyReport& report)
      : keys_(keys), sink_(sink), r_(report) {}

  void run(const std::filesystem::path& path, const VerifyExpectations& expect) {
    auto scanner = RecordScanner::open(path);
    if (!scanner) return fail("header", scanner.error().message);
    const RecordingHeader& h = (*scanner)->header();
    r_.header = h;
    pass("header", "format 1, tenant " + h.tenant_id + ", recording " +
                       recording_id_to_hex(h.recording_id) + ", 8000 Hz stereo s16le");
    if (!check_location(h, expect)) return;
    if (Status st = (*scanner)->unlock(keys_); !st) return fail("data key", st.error().message);
    pass("data key",
         "unwrapped with tenant key version " + std::to_string(h.wrapped_key.kek_version));
    scan(**scanner);
  }

 private:
  void pass(std::string name, std::string detail) {
    r_.checks.push_back({std::move(name), true, std::move(detail)});
  }
  void fail(std::string name, std::string detail) {
    r_.checks.push_back({std::move(name), false, std::move(detail)});
  }

  bool check_location(const RecordingHeader& h, const VerifyExpectations& expect) {
    std::string detail;
    if (expect.tenant_id) {
      if (*expect.tenant_id != h.tenant_id) {
        fail("location", "file belongs to tenant '" + h.tenant_id +
                             "' but sits in the place of tenant '" + *expect.tenant_id + "'");
        return false;
      }
      detail += "tenant matches";
    }
    if (expect.recording_id) {
      if (*expect.recording_id != h.recording_id) {
        fail("location", "file is recording " + recording_id_to_hex(h.recording_id) +
                             " but is named as recording " +
                             recording_id_to_hex(*expect.recording_id));
        return false;
      }
      detail += detail.empty() ? "recording ID matches" : ", recording ID matches";
    }
    if (detail.empty()) detail = "skipped (file is not stored under <tenant>/<recording-id>.tlrec)";
    pass("location", detail);
    return true;
  }

  void scan(RecordScanner& scanner) {
    const RecordingHeader& h = scanner.header();
    Sha256 pcm_hash;
    ScannedRecord rec;
    std::optional<TrailerInfo> trailer;
    std::int64_t frames = 0;
    std::uint32_t segments = 0;
    bool metadata_ok = false;
    while (true) {
      auto more = scanner.next(rec);
      if (!more) return fail("records", more.error().message);
      if (!*more) break;
      const std::uint32_t index = rec.header.index;
      const std::string where = "record " + std::to_string(index);
      if (index == 0) {
        if (rec.header.kind != RecordKind::kMetadata || rec.header.last)
          return fail("records", "record 0 is not the metadata record");
        auto fields = FieldList::decode(rec.plaintext);
        if (!fields) return fail("metadata", fields.error().message);
        if (fields->get("tenant_id") != std::optional<std::string_view>(h.tenant_id) ||
            fields->get("recording_id") !=
                std::optional<std::string_view>(recording_id_to_hex(h.recording_id)))
          return fail("metadata", "metadata names another tenant or recording than the header");
        r_.metadata = std::move(*fields);
        metadata_ok = true;
        continue;
      }
      if (trailer) return fail("records", where + " follows the trailer");
      if (rec.header.kind == RecordKind::kMetadata)
        return fail("records", where + " is a second metadata record");
      if (rec.header.kind == RecordKind::kAudio) {
        if (rec.header.last) return fail("records", where + ": an audio record is marked last");
        auto seg = parse_audio_segment(rec.plaintext);
        if (!seg) return fail("audio", where + ": " + seg.error().message);
        if (seg->header.first_frame != frames)
          return fail("audio", where + " starts at frame " +
                                   std::to_string(seg->header.first_frame) + ", expected " +
                                   std::to_string(frames));
        const std::size_t n = seg->header.frames;
        pcm_.resize(2 * n);
        decode_stereo(seg->header.caller_law, seg->caller_codes.data(), seg->header.agent_law,
                      seg->agent_codes.data(), n, pcm_.data());
        const std::span<const std::uint8_t> pcm(reinterpret_cast<const std::uint8_t*>(pcm_.data()),
                                                n * kPcmBytesPerFrame);
        pcm_hash.update(pcm);
        if (sink_ != nullptr) {
          if (Status st = sink_->write(frames, pcm); !st) return fail("output", st.error().message);
        }
        frames += seg->header.frames;
        ++segments;
        continue;
      }
      // Trailer.
      if (!rec.header.last) return fail("records", where + ": the trailer is not marked last");
      auto fields = FieldList::decode(rec.plaintext);
      if (!fields) return fail("trailer", fields.error().message);
      auto info = parse_trailer(*fields);
      if (!info) return fail("trailer", info.error().message);
      trailer = std::move(*info);
    }
    pass("records", std::to_string(scanner.records_read()) +
                        " records, each authenticated (AES-256-GCM) in order");
    if (!metadata_ok) return fail("metadata", "recording has no metadata record");
    pass("metadata", "tenant and recording ID match the header");
    r_.frames = frames;
    r_.audio_segments = segments;
    r_.trailer = trailer;
    pass("audio", std::to_string(segments) + " segments, " + std::to_string(frames) + " frames (" +
                      std::to_string(frames / 8) + " ms), contiguous");
    if (!trailer) return fail("complete", "no trailer: the recording is truncated");
    if (trailer->audio_segments != segments || trailer->frames != frames)
      return fail("complete", "trailer promises " + std::to_string(trailer->audio_segments) +
                                  " segments / " + std::to_string(trailer->frames) +
                                  " frames, file holds " + std::to_string(segments) + " / " +
                                  std::to_string(frames));
    pass("complete", trailer->recovered
                         ? "yes, sealed by crash recovery (audio ends when the recorder stopped)"
                         : "yes, sealed by the recorder at the end of the call");
    const Sha256Digest digest = pcm_hash.finish();
    if (digest != trailer->pcm_sha256)
      return fail("checksum", "SHA-256 of the audio is " + to_hex(digest) + ", trailer says " +
                                  to_hex(trailer->pcm_sha256));
    pass("checksum", "SHA-256 of the PCM " + to_hex(digest));
  }

  KeyProvider& keys_;
  AudioSink* sink_;
  VerifyReport& r_;
  std::vector<std::int16_t> pcm_;
};

}  // namespace

VerifyReport verify_recording(const std::filesystem::path& path, KeyProvider& keys,
                              const VerifyExpectations& expect, AudioSink* sink) {
  VerifyReport report;
  Verifier(keys, sink, report).run(path, expect);
  return report;
}

}  // namespace trunkline::recorder
