#include "nas/mirror/replicator.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <system_error>

#include "common/log.h"
#include "recorder/format/recording_format.h"

namespace trunkline::nas {

namespace fs = std::filesystem;
using store::CopyState;
using store::IndexedRecording;
using store::RecordingState;

namespace {

// The plaintext header of a sealed file: enough to index a recording the
// recorder sealed but nobody submitted (a crash before the hand-over).
std::optional<IndexedRecording> row_from_header(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(recorder::kHeaderFixedSize);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size())))
    return std::nullopt;
  auto size = recorder::header_size_from_prefix(bytes);
  if (!size || *size > recorder::kMaxHeaderSize) return std::nullopt;
  bytes.resize(*size);
  if (!in.read(reinterpret_cast<char*>(bytes.data()) + recorder::kHeaderFixedSize,
               static_cast<std::streamsize>(*size - recorder::kHeaderFixedSize)))
    return std::nullopt;
  auto header = recorder::parse_header(bytes);
  if (!header) return std::nullopt;
  IndexedRecording row;
  const std::string& t = header->tenant_id;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), row.tenant_id);
  if (ec != std::errc() || end != t.data() + t.size() || row.tenant_id <= 0) return std::nullopt;
  row.recording_id = recorder::recording_id_to_hex(header->recording_id);
  row.started_at_ms = header->created_us / 1000;
  return row;
}

}  // namespace

Replicator::Replicator(MirrorSet& mirrors, store::RecordingIndex& index, fs::path spool_dir,
                       Clock clock, std::int64_t write_deadline_ms)
    : mirrors_(mirrors),
      index_(index),
      spool_dir_(std::move(spool_dir)),
      clock_(std::move(clock)),
      deadline_ms_(write_deadline_ms) {}

fs::path Replicator::spool_path(const IndexedRecording& row) const {
  return spool_dir_ / std::to_string(row.tenant_id) / (row.recording_id + ".tlrec");
}

CopyFailure Replicator::copy_to(const fs::path& source, const IndexedRecording& row, Mirror& mirror,
                                std::string* why) {
  const fs::path dest = mirror.path_of(row);
  // A copy already in place with the right bytes is kept (idempotent
  // publish after a crash); anything else is rewritten.
  auto existing = digest_file(dest);
  CopyOutcome out;
  if (!existing || existing->sha256 != row.sha256) {
    out = copy_verified(source, mirror.root(), dest, row.sha256, deadline_ms_);
  }
  if (out.failure == CopyFailure::kMirrorFailed) {
    mirror.counters().copy_failures.fetch_add(1, std::memory_order_relaxed);
    mirror.mark_down(out.detail);
    (void)index_.set_copy(row.tenant_id, row.recording_id, mirror.name(), CopyState::kMissing, 0);
  }
  if (!out.ok()) {
    if (why) *why = out.detail;
    return out.failure;
  }
  if (!existing || existing->sha256 != row.sha256) {
    mirror.counters().copies_written.fetch_add(1, std::memory_order_relaxed);
    mirror.counters().bytes_written.fetch_add(static_cast<std::uint64_t>(row.bytes),
                                              std::memory_order_relaxed);
  }
  if (Status s =
          index_.set_copy(row.tenant_id, row.recording_id, mirror.name(), CopyState::kOk, clock_());
      !s) {
    counters_.index_errors.fetch_add(1, std::memory_order_relaxed);
    if (why) *why = s.error().message;
    return CopyFailure::kSourceBad;  // not the mirror's fault; retried later
  }
  return CopyFailure::kNone;
}

Result<RecordingState> Replicator::publish(const fs::path& spool_file, IndexedRecording meta) {
  auto digest = digest_file(spool_file);
  if (!digest) return digest.error();
  meta.sha256 = digest->sha256;
  meta.bytes = digest->bytes;
  meta.state = RecordingState::kSpooled;
  if (meta.indexed_at_ms == 0) meta.indexed_at_ms = clock_();
  auto row = index_.add(meta);
  if (!row) {
    counters_.index_errors.fetch_add(1, std::memory_order_relaxed);
    return row.error();
  }
  if (row->sha256 != meta.sha256) {
    // Indexed before with other bytes: the spool copy is not the recording
    // the index knows. Keep it, touch nothing, and say so.
    counters_.spool_mismatch.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kError, "nas_spool_mismatch", "file=%s indexed_sha256=%s file_sha256=%s",
           spool_file.c_str(), row->sha256.c_str(), meta.sha256.c_str());
    return Error{spool_file.string() + ": does not match the index's SHA-256 for recording " +
                 row->recording_id};
  }
  if (store::is_deleted(row->state)) {
    return Error{"recording " + row->recording_id + " is " + to_string(row->state) +
                 "; not publishing it again"};
  }
  for (auto& m : mirrors_.mirrors()) {
    if (!m->up()) continue;
    std::string why;
    (void)copy_to(spool_file, *row, *m, &why);
  }
  return settle(*row);
}

Result<RecordingState> Replicator::settle(const IndexedRecording& row) {
  auto copies = index_.copies(row.tenant_id, row.recording_id);
  if (!copies) return copies.error();
  std::size_t ok = 0;
  for (auto& m : mirrors_.mirrors()) {
    for (const auto& c : *copies) {
      if (c.mirror == m->name() && c.state == CopyState::kOk) ++ok;
    }
  }
  const bool everywhere = ok == mirrors_.size();
  const RecordingState state = everywhere ? RecordingState::kPublished : RecordingState::kDegraded;
  if (state != row.state) {
    if (Status s = index_.set_state(row.tenant_id, row.recording_id, state); !s) {
      counters_.index_errors.fetch_add(1, std::memory_order_relaxed);
      return s.error();
    }
    (everywhere ? counters_.published : counters_.degraded).fetch_add(1, std::memory_order_relaxed);
  }
  if (everywhere) {
    // Only now, with the index saying so, may the spool let go.
    const fs::path spool = spool_path(row);
    std::error_code ec;
    if (fs::exists(spool, ec)) {
      if (Status s = remove_durably(spool); !s) return s.error();
      counters_.spool_freed.fetch_add(1, std::memory_order_relaxed);
    }
  }
  return state;
}

bool Replicator::repair(const IndexedRecording& row, Mirror& target, std::string* why) {
  // Candidate sources in order: the spool, then every other mirror that is
  // up. copy_verified hashes each as it reads and refuses one that does not
  // match the index, so a bad copy is never a source.
  std::vector<fs::path> sources{spool_path(row)};
  for (auto& m : mirrors_.mirrors()) {
    if (m.get() != &target && m->up()) sources.push_back(m->path_of(row));
  }
  std::string last = "no source";
  for (const fs::path& src : sources) {
    std::string detail;
    const CopyFailure f = copy_to(src, row, target, &detail);
    if (f == CopyFailure::kNone) return true;
    last = detail;
    if (f == CopyFailure::kMirrorFailed) break;
  }
  if (why) *why = last;
  return false;
}

Result<std::size_t> Replicator::resync(Mirror& mirror) {
  auto keys = index_.missing_on(mirror.name());
  if (!keys) return keys.error();
  std::size_t copied = 0;
  for (const auto& k : *keys) {
    if (!mirror.up()) break;
    auto row = index_.get(k.tenant_id, k.recording_id);
    if (!row) return row.error();
    if (!*row) continue;
    std::string why;
    if (!repair(**row, mirror, &why)) {
      if (mirror.up()) {
        counters_.no_good_source.fetch_add(1, std::memory_order_relaxed);
        TL_LOG(kError, "nas_no_good_source", "tenant=%lld recording=%s mirror=%s reason=\"%s\"",
               static_cast<long long>(k.tenant_id), k.recording_id.c_str(), mirror.name().c_str(),
               why.c_str());
      }
      continue;
    }
    ++copied;
    counters_.resync_copies.fetch_add(1, std::memory_order_relaxed);
    mirror.counters().resynced.fetch_add(1, std::memory_order_relaxed);
    if (auto s = settle(**row); !s) return s.error();
  }
  return copied;
}

Result<std::size_t> Replicator::recover(Mirror& mirror) {
  auto held = index_.held_on(mirror.name());
  if (!held) return held.error();
  for (const auto& k : *held) {
    auto row = index_.get(k.tenant_id, k.recording_id);
    if (!row) return row.error();
    if (!*row) continue;
    std::error_code ec;
    const auto size = fs::file_size(mirror.path_of(**row), ec);
    if (!ec && static_cast<std::int64_t>(size) == (*row)->bytes) continue;
    counters_.copies_lost.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kWarn, "nas_copy_lost", "tenant=%lld recording=%s mirror=%s",
           static_cast<long long>(k.tenant_id), k.recording_id.c_str(), mirror.name().c_str());
    if (Status s =
            index_.set_copy(k.tenant_id, k.recording_id, mirror.name(), CopyState::kMissing, 0);
        !s)
      return s.error();
    if (auto st = settle(**row); !st) return st.error();
  }
  return resync(mirror);
}

std::vector<std::pair<fs::path, IndexedRecording>> Replicator::sealed_in_spool() {
  std::vector<std::pair<fs::path, IndexedRecording>> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(spool_dir_, ec), end; !ec && it != end;
       it.increment(ec)) {
    const fs::path& p = it->path();
    if (!it->is_regular_file(ec) || p.extension() != ".tlrec") continue;
    auto row = row_from_header(p);
    if (!row || spool_path(*row) != p) {
      TL_LOG(kWarn, "nas_spool_unknown_file", "file=%s", p.c_str());
      continue;
    }
    out.emplace_back(p, std::move(*row));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

}  // namespace trunkline::nas
