// What compliance retrieval does to one recording, shared by the
// `trunkline recordings export | verify` verbs and the control API: find the
// tenant's live row (another tenant's ID is "no such recording", exactly as
// an ID nobody has), check each mirror copy against the index, pick a copy
// that matches, and verify it end to end.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/store/recording_index.h"
#include "nas/mirror/replicator.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/format/recording_verifier.h"

namespace trunkline::nas {

enum class RowLookup : std::uint8_t { kLive, kNotFound, kDeleted, kError };

struct FoundRow {
  RowLookup lookup = RowLookup::kError;
  store::IndexedRecording row;  // when kLive
  std::string message;          // otherwise: what to print, audit and answer
};

// The row of a live recording of this tenant.
FoundRow find_live_row(store::RecordingIndex& index, store::TenantId tenant, const std::string& id);

// A copy whose bytes match the index: the first mirror that is up, else
// the spool. Empty when none does.
std::filesystem::path good_copy(Replicator& replicator, const store::IndexedRecording& row);

// What the recording's place in the index says it must be.
recorder::VerifyExpectations expect_for(const store::IndexedRecording& row);

struct CopyCheck {
  std::string mirror;
  std::string state;  // "ok", "sha256_mismatch", "missing", "mirror_down"
};

struct RetrievalVerify {
  std::vector<CopyCheck> copies;
  bool copy_found = false;  // some copy matches the index
  recorder::VerifyReport report;
  bool valid() const;
  std::string failure() const;  // empty when valid
};

// Every mirror copy against the index, then the good copy end to end.
RetrievalVerify verify_everywhere(Replicator& replicator, recorder::KeyProvider& keys,
                                  const store::IndexedRecording& row);

}  // namespace trunkline::nas
