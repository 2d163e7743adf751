#include "control/app/compliance_vault.h"

#include "common/json_string.h"
#include "nas/clock.h"
#include "nas/retrieval/recording_retrieval.h"
#include "recorder/crypto/file_key_provider.h"
#include "recorder/tools/wav_stream.h"

namespace trunkline::app {
namespace {

using api::VaultAnswer;
using api::VaultError;

VaultAnswer refusal(VaultError e, std::string message) { return {e, std::move(message), "", {}}; }

VaultError lookup_error(nas::RowLookup l) {
  return l == nas::RowLookup::kNotFound  ? VaultError::kNotFound
         : l == nas::RowLookup::kDeleted ? VaultError::kGone
                                         : VaultError::kUnavailable;
}

// The WAV bytes for the transport, and the export's closing audit entry
// ("ok", "failed: …" or "aborted: …") once the stream ends either way.
class AudioBody final : public api::BodySource {
 public:
  AudioBody(std::unique_ptr<recorder::WavStream> wav, ComplianceVault& vault, std::int64_t tenant,
            std::string id, api::Requester who)
      : wav_(std::move(wav)),
        vault_(vault),
        tenant_(tenant),
        id_(std::move(id)),
        who_(std::move(who)) {}
  ~AudioBody() override { report("aborted: the transfer did not complete"); }

  api::BodyPiece next() override {
    api::BodyPiece p;
    switch (wav_->read(&p.data)) {
      case recorder::WavStream::Next::kData:
        break;
      case recorder::WavStream::Next::kWait:
        p.retry = std::chrono::milliseconds(2);
        break;
      case recorder::WavStream::Next::kDone:
        p.last = true;
        report("ok");
        break;
      case recorder::WavStream::Next::kFailed:
        p.failed = true;
        report("failed: " + wav_->failure());
        break;
    }
    return p;
  }
  void abandon() override { report("aborted: the client went away"); }

 private:
  void report(const std::string& result) {
    if (reported_) return;
    reported_ = true;
    (void)vault_.record(tenant_, who_, "recordings.export", id_ + " -> api", result);
  }

  std::unique_ptr<recorder::WavStream> wav_;
  ComplianceVault& vault_;
  std::int64_t tenant_;
  std::string id_;
  api::Requester who_;
  bool reported_ = false;
};

}  // namespace

Result<std::unique_ptr<ComplianceVault>> ComplianceVault::open(const config::Config& c,
                                                               store::SqliteStore& store) {
  if (c.nas.mirrors.empty()) return std::unique_ptr<ComplianceVault>();
  std::unique_ptr<ComplianceVault> v(new ComplianceVault());
  v->key_dir_ = c.recorder.key_dir;
  v->master_key_file_ = c.recorder.master_key_file;
  v->policy_ = {static_cast<std::int64_t>(c.nas.retention_default_days),
                static_cast<std::int64_t>(c.nas.termination_grace_days)};
  v->index_ = std::make_unique<store::RecordingIndex>(store);
  auto m = nas::MirrorSet::open(c.nas.mirrors);
  if (!m) return Error{"api: " + m.error().message};
  v->mirrors_ = std::move(*m);
  v->replicator_ =
      std::make_unique<nas::Replicator>(*v->mirrors_, *v->index_, c.spool_dir, nas::wall_clock_ms,
                                        static_cast<std::int64_t>(c.nas.write_deadline_ms));
  v->audit_ = std::make_unique<audit::AuditLog>(store);
  return v;
}

Status ComplianceVault::record(std::int64_t tenant, const api::Requester& who,
                               const std::string& action, const std::string& target,
                               const std::string& result) {
  return audit_->record(nas::wall_clock_ms(), tenant, {who.user, who.role, who.source}, action,
                        target, result);
}

VaultAnswer ComplianceVault::export_audio(std::int64_t tenant, const std::string& id,
                                          const api::Requester& who) {
  std::unique_lock lock(mu_);
  const std::string target = id + " -> api";
  auto audit = [&](const std::string& result) {
    return record(tenant, who, "recordings.export", target, result);
  };
  nas::FoundRow f = nas::find_live_row(*index_, tenant, id);
  if (f.lookup != nas::RowLookup::kLive) {
    (void)audit("not_found: " + f.message);
    return refusal(lookup_error(f.lookup), f.message);
  }
  const auto source = nas::good_copy(*replicator_, f.row);
  if (source.empty()) {
    (void)audit("error: no copy matches the index");
    return refusal(VaultError::kInvalid,
                   "no copy of " + id + " matches the index's checksum (run nas scrub)");
  }
  auto keys = recorder::FileKeyProvider::open(key_dir_, master_key_file_);
  if (!keys) {
    (void)audit("error: " + keys.error().message);
    return refusal(VaultError::kUnavailable, keys.error().message);
  }
  lock.unlock();
  bool invalid = false;
  auto wav = recorder::WavStream::open(source, std::move(*keys), nas::expect_for(f.row), &invalid);
  if (!wav) {
    (void)audit("failed: " + wav.error().message);
    return refusal(invalid ? VaultError::kInvalid : VaultError::kUnavailable, wav.error().message);
  }
  // Audited before any audio leaves: a failure of the log stops the export.
  if (Status s = audit("started"); !s)
    return refusal(VaultError::kUnavailable, "cannot write the audit log: " + s.error().message);
  VaultAnswer a;
  a.audio = std::make_shared<AudioBody>(std::move(*wav), *this, tenant, id, who);
  return a;
}

VaultAnswer ComplianceVault::verify(std::int64_t tenant, const std::string& id,
                                    const api::Requester& who) {
  std::lock_guard lock(mu_);
  nas::FoundRow f = nas::find_live_row(*index_, tenant, id);
  if (f.lookup != nas::RowLookup::kLive) {
    (void)record(tenant, who, "recordings.verify", id, "not_found: " + f.message);
    return refusal(lookup_error(f.lookup), f.message);
  }
  auto keys = recorder::FileKeyProvider::open(key_dir_, master_key_file_);
  if (!keys) {
    (void)record(tenant, who, "recordings.verify", id, "error: " + keys.error().message);
    return refusal(VaultError::kUnavailable, keys.error().message);
  }
  const nas::RetrievalVerify v = nas::verify_everywhere(*replicator_, **keys, f.row);
  if (Status s =
          record(tenant, who, "recordings.verify", id, v.valid() ? "ok" : "failed: " + v.failure());
      !s) {
    return refusal(VaultError::kUnavailable, "cannot write the audit log: " + s.error().message);
  }
  std::string copies;
  for (const auto& c : v.copies) {
    copies += std::string(copies.empty() ? "" : ",") + "{\"mirror\":" + json_quote(c.mirror) +
              ",\"state\":" + json_quote(c.state) + "}";
  }
  std::string checks;
  for (const auto& c : v.report.checks) {
    checks += std::string(checks.empty() ? "" : ",") + "{\"name\":" + json_quote(c.name) +
              ",\"ok\":" + (c.ok ? "true" : "false") + ",\"detail\":" + json_quote(c.detail) + "}";
  }
  VaultAnswer a;
  a.json = "{\"recording_id\":" + json_quote(id) + ",\"valid\":" + (v.valid() ? "true" : "false") +
           ",\"failure\":" + (v.valid() ? std::string("null") : json_quote(v.failure())) +
           ",\"frames\":" + std::to_string(v.report.frames) + ",\"copies\":[" + copies +
           "],\"checks\":[" + checks + "]}";
  return a;
}

VaultAnswer ComplianceVault::erase(std::int64_t tenant, const std::string& id,
                                   const api::Requester& who) {
  std::lock_guard lock(mu_);
  // Classifies a refusal; RetentionSweeper::erase checks again and audits.
  auto before = index_->get(tenant, id);
  if (!before) return refusal(VaultError::kUnavailable, before.error().message);
  auto held = index_->retention(tenant);
  if (!held) return refusal(VaultError::kUnavailable, held.error().message);
  nas::RetentionSweeper sweeper(*replicator_, *audit_, policy_, nas::wall_clock_ms);
  const nas::Actor actor{who.user, who.role, who.source};
  if (Status s = sweeper.erase(tenant, id, actor); !s) {
    if (!*before) return refusal(VaultError::kNotFound, s.error().message);
    if ((*before)->legal_hold || held->legal_hold)
      return refusal(VaultError::kHeld, s.error().message);
    if (store::is_deleted((*before)->state)) return refusal(VaultError::kGone, s.error().message);
    return refusal(VaultError::kUnavailable, s.error().message);
  }
  auto after = index_->get(tenant, id);
  const bool complete = after && *after && (*after)->deleted_at_ms != 0;
  VaultAnswer a;
  a.json = "{\"recording_id\":" + json_quote(id) +
           ",\"state\":\"erased\",\"complete\":" + (complete ? "true" : "false") + "}";
  return a;
}

}  // namespace trunkline::app
