// `trunkline recordings search | export | verify`: compliance retrieval,
// always within one named tenant, every request written to the audit log
// (also the ones that find nothing or are refused). A recording ID of
// another tenant is "no such recording", exactly as an ID nobody has.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "common/json_string.h"
#include "nas/nas_cli.h"
#include "nas/nas_commands.h"
#include "nas/retrieval/recording_retrieval.h"
#include "nas/retrieval/time_arg.h"
#include "recorder/format/recording_verifier.h"
#include "recorder/tools/recording_export.h"

namespace trunkline::nas {

namespace {

using store::IndexedRecording;

std::string iso(std::int64_t ms) {
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Parses the verb's arguments: NasArgs plus `extra(flag, value)` for the
// verb's own options and positional IDs. Returns an error message or "".
template <typename Extra>
std::string parse(int argc, char** argv, NasArgs& args, std::vector<std::string>& ids,
                  Extra extra) {
  std::string error;
  for (int i = 0; i < argc && error.empty(); ++i) {
    if (args.take(argc, argv, &i, &error)) continue;
    const std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return a + " needs a value";
      if (!extra(a, std::string(argv[++i]))) return "unknown argument '" + a + "'";
    } else {
      ids.push_back(a);
    }
  }
  if (error.empty() && args.tenant.empty()) error = "--tenant is required";
  return error;
}

struct Opened {
  std::unique_ptr<NasContext> ctx;
  store::TenantId tenant = 0;
};

// Opens the context and resolves the tenant; on failure prints and sets *code.
std::optional<Opened> open_for(const char* verb, const char* action, const NasArgs& args,
                               int* code) {
  auto ctx = NasContext::open(args);
  if (!ctx) {
    *code = fail(verb, ctx.error().message, 2);
    return std::nullopt;
  }
  auto tenant = (*ctx)->resolve_tenant(args.tenant);
  if (!tenant) {
    (void)(*ctx)->record(std::nullopt, action, "tenant " + args.tenant, "refused: unknown tenant");
    *code = fail(verb, tenant.error().message, 2);
    return std::nullopt;
  }
  return Opened{std::move(*ctx), *tenant};
}

// The live row, or an error to print (and audit) as "no such recording" /
// "erased".
Result<IndexedRecording> live_row(NasContext& ctx, store::TenantId tenant, const std::string& id) {
  FoundRow f = find_live_row(*ctx.index, tenant, id);
  if (f.lookup != RowLookup::kLive) return Error{f.message};
  return std::move(f.row);
}

}  // namespace

int recordings_search_command(int argc, char** argv) {
  const char* verb = "recordings search";
  NasArgs args;
  std::vector<std::string> ids;
  store::RecordingQuery q;
  std::string bad_value;
  std::string error = parse(argc, argv, args, ids, [&](const std::string& f, const std::string& v) {
    if (f == "--from" || f == "--to") {
      auto t = parse_time_arg(v);
      if (!t)
        bad_value = f + ": " + t.error().message;
      else
        (f == "--from" ? q.from_ms : q.to_ms) = *t;
    } else if (f == "--caller") {
      q.caller_number = v;
    } else if (f == "--did") {
      q.did = v;
    } else if (f == "--agent") {
      q.agent = v;
    } else if (f == "--call-id") {
      q.call_id = v;
    } else if (f == "--limit") {
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 100000)
        bad_value = "--limit: expected 1..100000";
      else
        q.limit = static_cast<std::size_t>(n);
    } else {
      return false;
    }
    return true;
  });
  if (error.empty() && !bad_value.empty()) error = bad_value;
  if (error.empty() && !ids.empty()) error = "unexpected argument '" + ids.front() + "'";
  if (!error.empty()) {
    return fail(verb, error + "\nusage: trunkline recordings search " + kRecordingsSearchUsage, 2);
  }
  int code = 0;
  auto o = open_for(verb, "recordings.search", args, &code);
  if (!o) return code;
  NasContext& ctx = *o->ctx;
  std::string what;
  auto add = [&](const char* k, const std::optional<std::string>& v) {
    if (v) what += std::string(what.empty() ? "" : " ") + k + "=" + *v;
  };
  add("from", q.from_ms ? std::optional<std::string>(std::to_string(*q.from_ms)) : std::nullopt);
  add("to", q.to_ms ? std::optional<std::string>(std::to_string(*q.to_ms)) : std::nullopt);
  add("caller", q.caller_number);
  add("did", q.did);
  add("agent", q.agent);
  add("call_id", q.call_id);
  auto rows = ctx.index->search(o->tenant, q);
  // The audit entry is written before anything is shown.
  if (Status s = ctx.record(o->tenant, "recordings.search", what.empty() ? "all" : what,
                            rows ? "ok: " + std::to_string(rows->size()) + " results"
                                 : "error: " + rows.error().message);
      !s) {
    return fail(verb, "cannot write the audit log: " + s.error().message, 2);
  }
  if (!rows) return fail(verb, rows.error().message, 2);
  if (args.json) {
    std::string out = "[";
    for (std::size_t i = 0; i < rows->size(); ++i) {
      const IndexedRecording& r = (*rows)[i];
      out += (i ? "," : "");
      out += "{\"recording_id\":" + json_quote(r.recording_id) +
             ",\"tenant_id\":" + std::to_string(r.tenant_id) +
             ",\"call_id\":" + json_quote(r.call_id) +
             ",\"caller\":" + json_quote(r.caller_number) + ",\"did\":" + json_quote(r.did) +
             ",\"agent\":" + json_quote(r.agent) + ",\"skill\":" + json_quote(r.skill) +
             ",\"started_at_ms\":" + std::to_string(r.started_at_ms) +
             ",\"ended_at_ms\":" + std::to_string(r.ended_at_ms) +
             ",\"bytes\":" + std::to_string(r.bytes) + ",\"sha256\":" + json_quote(r.sha256) +
             ",\"state\":" + json_quote(store::to_string(r.state)) +
             ",\"legal_hold\":" + (r.legal_hold ? "true" : "false") + "}";
    }
    std::printf("%s]\n", out.c_str());
    return 0;
  }
  for (const IndexedRecording& r : *rows) {
    std::printf("%s  %s  %5llds  caller=%s did=%s agent=%s call_id=%s state=%s%s\n",
                r.recording_id.c_str(), iso(r.started_at_ms).c_str(),
                static_cast<long long>((r.ended_at_ms - r.started_at_ms) / 1000),
                r.caller_number.c_str(), r.did.c_str(), r.agent.c_str(), r.call_id.c_str(),
                store::to_string(r.state), r.legal_hold ? " HOLD" : "");
  }
  std::printf("%zu recordings\n", rows->size());
  return 0;
}

int recordings_export_command(int argc, char** argv) {
  const char* verb = "recordings export";
  NasArgs args;
  std::vector<std::string> ids;
  std::string out;
  std::string error = parse(argc, argv, args, ids, [&](const std::string& f, const std::string& v) {
    if (f != "--out") return false;
    out = v;
    return true;
  });
  if (error.empty() && ids.size() != 1) error = "exactly one recording ID is required";
  if (error.empty() && out.empty()) error = "--out FILE.wav is required";
  if (!error.empty()) {
    return fail(verb, error + "\nusage: trunkline recordings export " + kRecordingsExportUsage, 2);
  }
  if (::access(out.c_str(), F_OK) == 0)
    return fail(verb, out + " exists; refusing to overwrite it", 2);
  int code = 0;
  auto o = open_for(verb, "recordings.export", args, &code);
  if (!o) return code;
  NasContext& ctx = *o->ctx;
  const std::string& id = ids.front();
  auto audit = [&](const std::string& result) {
    return ctx.record(o->tenant, "recordings.export", id + " -> " + out, result);
  };
  auto row = live_row(ctx, o->tenant, id);
  if (!row) {
    (void)audit("not_found: " + row.error().message);
    return fail(verb, row.error().message, 1);
  }
  const auto source = good_copy(*ctx.replicator, *row);
  if (source.empty()) {
    (void)audit("error: no copy matches the index");
    return fail(verb, "no copy of " + id + " matches the index's checksum (run nas scrub)", 1);
  }
  auto keys = ctx.keys(args);
  if (!keys) {
    (void)audit("error: " + keys.error().message);
    return fail(verb, keys.error().message, 2);
  }
  // Audited before any audio leaves: a failure of the log stops the export.
  if (Status s = audit("started"); !s) {
    return fail(verb, "cannot write the audit log: " + s.error().message, 2);
  }
  bool invalid = false;
  auto done = recorder::export_to_wav(source, **keys, expect_for(*row), out, &invalid);
  (void)audit(done ? "ok" : "failed: " + done.error().message);
  if (!done) return fail(verb, done.error().message, invalid ? 1 : 2);
  std::printf("exported %s -> %s (%lld ms, stereo 8 kHz 16-bit: left caller, right agent%s)\n",
              id.c_str(), out.c_str(), static_cast<long long>(done->frames / 8),
              done->recovered ? "; truncated: recovered after a crash" : "");
  return 0;
}

int recordings_verify_command(int argc, char** argv) {
  const char* verb = "recordings verify";
  NasArgs args;
  std::vector<std::string> ids;
  std::string error =
      parse(argc, argv, args, ids, [](const std::string&, const std::string&) { return false; });
  if (error.empty() && ids.size() != 1) error = "exactly one recording ID is required";
  if (!error.empty()) {
    return fail(verb, error + "\nusage: trunkline recordings verify " + kRecordingsVerifyUsage, 2);
  }
  int code = 0;
  auto o = open_for(verb, "recordings.verify", args, &code);
  if (!o) return code;
  NasContext& ctx = *o->ctx;
  const std::string& id = ids.front();
  auto row = live_row(ctx, o->tenant, id);
  if (!row) {
    (void)ctx.record(o->tenant, "recordings.verify", id, "not_found: " + row.error().message);
    return fail(verb, row.error().message, 1);
  }
  auto keys = ctx.keys(args);
  if (!keys) {
    (void)ctx.record(o->tenant, "recordings.verify", id, "error: " + keys.error().message);
    return fail(verb, keys.error().message, 2);
  }
  const RetrievalVerify v = verify_everywhere(*ctx.replicator, **keys, *row);
  for (const CopyCheck& c : v.copies) {
    std::printf("copy %s: %s\n", c.mirror.c_str(),
                c.state == "ok"                ? "sha256 matches the index"
                : c.state == "mirror_down"     ? "mirror down, not checked"
                : c.state == "sha256_mismatch" ? "SHA-256 MISMATCH"
                                               : "MISSING");
  }
  for (const auto& c : v.report.checks) {
    std::printf("%-10s %s%s%s\n", c.name.c_str(), c.ok ? "ok" : "FAILED",
                c.detail.empty() ? "" : ": ", c.detail.c_str());
  }
  const bool all_ok = v.valid();
  const std::string result = v.failure();
  (void)ctx.record(o->tenant, "recordings.verify", id, all_ok ? "ok" : "failed: " + result);
  std::printf("%s: %s\n", id.c_str(), all_ok ? "VALID on every mirror" : "NOT VALID");
  return all_ok ? 0 : 1;
}

}  // namespace trunkline::nas
