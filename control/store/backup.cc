#include "control/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>

#include "control/store/sqlite_util.h"

namespace trunkline::store {

namespace {

namespace fs = std::filesystem;

Status fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"open " + path.string() + " to sync: " + std::strerror(errno)};
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Error{"fsync " + path.string() + ": " + std::strerror(errno)};
  return Status::Ok();
}

// Copies `from` (an open connection) into a new database file at `to`.
Status copy_database(sqlite3* from, const fs::path& to) {
  std::error_code ec;
  fs::remove(to, ec);
  sqlite3* dest = nullptr;
  if (sqlite3_open_v2(to.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = dest ? sqlite3_errmsg(dest) : "out of memory";
    sqlite3_close(dest);
    return Error{to.string() + ": " + msg};
  }
  sqlite3_backup* b = sqlite3_backup_init(dest, "main", from, "main");
  if (b == nullptr) {
    Error e{"backup to " + to.string() + ": " + sqlite3_errmsg(dest)};
    sqlite3_close(dest);
    return e;
  }
  const int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  Status out;
  if (rc != SQLITE_DONE) out = Error{"backup to " + to.string() + ": " + sqlite3_errstr(rc)};
  if (out) {
    // A backup is only as good as its last check.
    Statement check(dest, "PRAGMA integrity_check");
    if (check.step() != SQLITE_ROW || check.text(0) != "ok") {
      out = Error{to.string() + ": integrity check failed: " + check.text(0)};
    }
  }
  sqlite3_close(dest);
  if (out) out = fsync_path(to, false);
  return out;
}

std::string day_of(std::int64_t ms, int* weekday, int* yday, int* year) {
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
  *weekday = (tm.tm_wday + 6) % 7;  // Monday = 0
  *yday = tm.tm_yday;
  *year = tm.tm_year;
  return buf;
}

std::vector<fs::path> generations(const fs::path& dir, const std::string& kind) {
  std::vector<fs::path> out;
  std::error_code ec;
  const std::string prefix = "trunkline-" + kind + "-";
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && e.path().extension() == ".db") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());  // YYYYMMDD: oldest first
  return out;
}

}  // namespace

Result<BackupResult> backup_store(SqliteStore& store, const fs::path& dir, std::int64_t now_ms,
                                  const BackupPolicy& policy) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{"create " + dir.string() + ": " + ec.message()};
  int weekday = 0, yday = 0, year = 0;
  const std::string day = day_of(now_ms, &weekday, &yday, &year);
  // Weekly when no weekly backup is younger than this week's Monday.
  const std::string monday =
      day_of(now_ms - std::int64_t{weekday} * 86'400'000, &weekday, &yday, &year);
  auto weeklies = generations(dir, "weekly");
  const bool weekly_due = weeklies.empty() || weeklies.back().filename().string() <
                                                  "trunkline-weekly-" + monday + ".db";
  BackupResult result;
  std::vector<fs::path> targets{dir / ("trunkline-daily-" + day + ".db")};
  if (weekly_due) targets.push_back(dir / ("trunkline-weekly-" + day + ".db"));
  for (const fs::path& target : targets) {
    const fs::path part = target.string() + ".part";
    Status st = store.with_connection(
        [&](StatementCache& cache) -> Status { return copy_database(cache.db(), part); });
    if (!st) {
      fs::remove(part, ec);
      return st.error();
    }
    fs::rename(part, target, ec);
    if (ec) return Error{"rename " + part.string() + ": " + ec.message()};
    if (Status s = fsync_path(dir, true); !s) return s.error();
    result.written.push_back(target);
  }
  for (const auto& [kind, keep] : {std::pair<std::string, int>{"daily", policy.daily_keep},
                                   std::pair<std::string, int>{"weekly", policy.weekly_keep}}) {
    auto list = generations(dir, kind);
    while (static_cast<int>(list.size()) > keep) {
      fs::remove(list.front(), ec);
      result.removed.push_back(list.front());
      list.erase(list.begin());
    }
  }
  return result;
}

Status restore_store(const fs::path& backup, const fs::path& store_path) {
  sqlite3* src = nullptr;
  if (sqlite3_open_v2(backup.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = src ? sqlite3_errmsg(src) : "out of memory";
    sqlite3_close(src);
    return Error{backup.string() + ": cannot open the backup: " + msg};
  }
  const fs::path part = store_path.string() + ".part";
  Status st = copy_database(src, part);
  sqlite3_close(src);
  std::error_code ec;
  if (!st) {
    fs::remove(part, ec);
    return Error{backup.string() + ": " + st.error().message};
  }
  // The old store's WAL must not be replayed onto the restored file.
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(store_path.string() + suffix, ec);
  fs::rename(part, store_path, ec);
  if (ec) return Error{"rename " + part.string() + ": " + ec.message()};
  return fsync_path(store_path.parent_path().empty() ? fs::path(".") : store_path.parent_path(),
                    true);
}

}  // namespace trunkline::store
