#include "recorder/spool/spool_recovery.h"

#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <system_error>

#include "common/log.h"
#include "recorder/format/audio_segment.h"
#include "recorder/format/field_list.h"
#include "recorder/format/record_scanner.h"
#include "recorder/format/record_sealer.h"
#include "recorder/format/recording_fields.h"
#include "recorder/spool/spool_file.h"

namespace trunkline::recorder {
namespace {

Result<RecoveredRecording> recover_file(const std::filesystem::path& path, KeyProvider& keys,
                                        RecordCodec& codec) {
  auto opened = RecordScanner::open(path);
  if (!opened) {
    // The header is written in one piece before any audio and synced with the
    // first segment: a file without one never held durable audio. Keep it
    // aside for inspection rather than retrying it on every start.
    std::filesystem::path aside = path;
    aside += ".damaged";
    std::error_code ec;
    std::filesystem::rename(path, aside, ec);
    return Error{"header unreadable (" + opened.error().message + "); moved to " + aside.string()};
  }
  RecordScanner& scanner = **opened;
  if (Status st = scanner.unlock(keys); !st) return Error{"no data key: " + st.error().message};

  const RecordingHeader& header = scanner.header();
  TrailerInfo trailer;
  trailer.recovered = true;
  trailer.start_us = header.created_us;
  Sha256 pcm_hash;
  std::vector<std::int16_t> pcm;
  bool has_metadata = false;
  std::string stop_reason = "end of file";
  // End of the last record accepted, and the index that follows it.
  std::uint64_t keep = scanner.good_offset();
  std::uint32_t next_index = 0;
  ScannedRecord rec;
  while (true) {
    auto more = scanner.next(rec);
    if (!more) {
      stop_reason = more.error().message;
      break;
    }
    if (!*more) break;
    if (rec.header.kind == RecordKind::kMetadata && rec.header.index == 0) {
      if (auto fields = FieldList::decode(rec.plaintext); fields) {
        if (auto start = fields->get_int("start_us")) trailer.start_us = *start;
      }
      has_metadata = true;
    } else if (rec.header.kind == RecordKind::kAudio && has_metadata && !rec.header.last) {
      auto seg = parse_audio_segment(rec.plaintext);
      if (!seg || seg->header.first_frame != trailer.frames) {
        stop_reason = "audio segment out of sequence";
        break;
      }
      pcm.resize(2 * std::size_t{seg->header.frames});
      decode_stereo(seg->header.caller_law, seg->caller_codes.data(), seg->header.agent_law,
                    seg->agent_codes.data(), seg->header.frames, pcm.data());
      pcm_hash.update(std::span(reinterpret_cast<const std::uint8_t*>(pcm.data()),
                                pcm.size() * sizeof(std::int16_t)));
      trailer.frames += seg->header.frames;
      ++trailer.audio_segments;
      trailer.caller = seg->header.caller;
      trailer.agent = seg->header.agent;
      for (const FrameSpan& p : seg->header.pauses) append_span(trailer.pauses, p);
    } else if (rec.header.kind == RecordKind::kTrailer && rec.header.last) {
      break;  // the recorder sealed it; only the rename was missing
    } else {
      stop_reason = "unexpected record";
      break;
    }
    keep = scanner.good_offset();
    next_index = scanner.records_read();
  }

  RecoveredRecording out;
  if (scanner.saw_last() && rec.header.kind == RecordKind::kTrailer) {
    auto spool = SpoolFile::reopen(path, scanner.good_offset());
    if (!spool) return spool.error();
    auto final_path = (*spool)->finish();
    if (!final_path) return final_path.error();
    out.path = *final_path;
    out.frames = trailer.frames;
    out.was_complete = true;
    return out;
  }

  struct stat st {};
  const std::uint64_t file_size =
      ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  // Keep only what authenticated and made sense.
  auto spool = SpoolFile::reopen(path, keep);
  if (!spool) return spool.error();

  RecordSealer sealer =
      RecordSealer::resume(scanner.header_bytes(), header, scanner.data_key(), next_index);
  std::vector<std::uint8_t> output;
  if (!has_metadata) {
    // Died between header and metadata: no audio either. Seal it as an empty recording.
    FieldList meta;
    meta.set("tenant_id", header.tenant_id);
    meta.set("recording_id", recording_id_to_hex(header.recording_id));
    meta.set("note", "metadata lost in a crash before the first audio");
    if (Status s = sealer.seal(RecordKind::kMetadata, false, meta.encode(), codec, output); !s)
      return s.error();
  }
  trailer.end_us = trailer.start_us + trailer.frames * 125;
  trailer.pcm_sha256 = pcm_hash.finish();
  if (Status s =
          sealer.seal(RecordKind::kTrailer, true, make_trailer(trailer).encode(), codec, output);
      !s)
    return s.error();
  if (Status s = (*spool)->append(output); !s) return s.error();
  if (Status s = (*spool)->sync(); !s) return s.error();
  auto final_path = (*spool)->finish();
  if (!final_path) return final_path.error();
  out.path = *final_path;
  out.frames = trailer.frames;
  out.bytes_cut = file_size > keep ? file_size - keep : 0;
  TL_LOG(kWarn, "recording_recovered", "path=%s frames=%lld cut_bytes=%llu stopped_at=\"%s\"",
         out.path.c_str(), static_cast<long long>(out.frames),
         static_cast<unsigned long long>(out.bytes_cut), stop_reason.c_str());
  return out;
}

}  // namespace

RecoveryReport recover_spool(const std::filesystem::path& spool_dir, KeyProvider& keys,
                             int zstd_level) {
  RecoveryReport report;
  RecordCodec codec(zstd_level);
  std::error_code ec;
  std::vector<std::filesystem::path> parts;
  for (const auto& tenant_dir : std::filesystem::directory_iterator(spool_dir, ec)) {
    if (!tenant_dir.is_directory()) continue;
    std::error_code ec2;
    for (const auto& entry : std::filesystem::directory_iterator(tenant_dir.path(), ec2)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name.ends_with(kSpoolSuffix)) parts.push_back(entry.path());
    }
  }
  if (ec) {
    report.failed.push_back({spool_dir, "cannot list spool: " + ec.message()});
    return report;
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& path : parts) {
    auto r = recover_file(path, keys, codec);
    if (r) {
      report.recovered.push_back(std::move(*r));
    } else {
      TL_LOG(kError, "recording_recovery_failed", "path=%s reason=\"%s\"", path.c_str(),
             r.error().message.c_str());
      report.failed.push_back({path, r.error().message});
    }
  }
  return report;
}

}  // namespace trunkline::recorder
