#include "nas/retrieval/recording_retrieval.h"

#include "nas/mirror/verified_copy.h"
#include "recorder/format/recording_id.h"

namespace trunkline::nas {

FoundRow find_live_row(store::RecordingIndex& index, store::TenantId tenant,
                       const std::string& id) {
  FoundRow f;
  auto got = index.get(tenant, id);
  if (!got) {
    f.message = got.error().message;
    return f;
  }
  if (!*got) {
    f.lookup = RowLookup::kNotFound;
    f.message = "no such recording: " + id;
    return f;
  }
  if (store::is_deleted((*got)->state)) {
    f.lookup = RowLookup::kDeleted;
    f.message = "recording " + id + " is " + store::to_string((*got)->state) +
                "; it can no longer be retrieved";
    return f;
  }
  f.lookup = RowLookup::kLive;
  f.row = std::move(**got);
  return f;
}

std::filesystem::path good_copy(Replicator& replicator, const store::IndexedRecording& row) {
  std::vector<std::filesystem::path> candidates;
  for (auto& m : replicator.mirrors().mirrors()) {
    if (m->up()) candidates.push_back(m->path_of(row));
  }
  candidates.push_back(replicator.spool_path(row));
  for (const auto& p : candidates) {
    auto d = digest_file(p);
    if (d && d->sha256 == row.sha256) return p;
  }
  return {};
}

recorder::VerifyExpectations expect_for(const store::IndexedRecording& row) {
  recorder::VerifyExpectations e;
  e.tenant_id = std::to_string(row.tenant_id);
  e.recording_id = recorder::recording_id_from_hex(row.recording_id);
  return e;
}

bool RetrievalVerify::valid() const {
  if (!copy_found) return false;
  for (const auto& c : copies) {
    if (c.state != "ok") return false;
  }
  return report.valid();
}

std::string RetrievalVerify::failure() const {
  if (!copy_found) return "no copy matches the index";
  if (!report.valid()) return report.first_failure();
  for (const auto& c : copies) {
    if (c.state != "ok") return "copy " + c.mirror + ": " + c.state;
  }
  return {};
}

RetrievalVerify verify_everywhere(Replicator& replicator, recorder::KeyProvider& keys,
                                  const store::IndexedRecording& row) {
  RetrievalVerify v;
  for (auto& m : replicator.mirrors().mirrors()) {
    if (!m->up()) {
      v.copies.push_back({m->name(), "mirror_down"});
      continue;
    }
    auto d = digest_file(m->path_of(row));
    v.copies.push_back({m->name(), !d                        ? "missing"
                                   : d->sha256 == row.sha256 ? "ok"
                                                             : "sha256_mismatch"});
  }
  const auto source = good_copy(replicator, row);
  v.copy_found = !source.empty();
  if (v.copy_found) v.report = recorder::verify_recording(source, keys, expect_for(row));
  return v;
}

}  // namespace trunkline::nas
