#include "nas/mirror/mirror_set.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <set>

#include "common/log.h"
#include "recorder/spool/durable_io.h"

namespace trunkline::nas {

namespace fs = std::filesystem;

Mirror::Mirror(fs::path root) : root_(std::move(root)), name_(root_.string()) {}

fs::path Mirror::path_of(const store::IndexedRecording& row) const {
  return root_ / relative_path(row);
}

void Mirror::mark_down(const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_error_ = reason;
  }
  if (up_.exchange(false, std::memory_order_acq_rel)) {
    counters_.went_down.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kWarn, "nas_mirror_down", "mirror=%s reason=\"%s\"", name_.c_str(), reason.c_str());
  }
}

void Mirror::mark_up() {
  if (!up_.exchange(true, std::memory_order_acq_rel)) {
    counters_.came_up.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kInfo, "nas_mirror_up", "mirror=%s", name_.c_str());
  }
}

std::string Mirror::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

Status Mirror::probe() const {
  const fs::path probe = root_ / ".trunkline-probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return recorder::errno_error("probe: create", probe);
  static const std::uint8_t kByte[1] = {'p'};
  Status st = recorder::write_all(fd, kByte);
  if (st && ::fsync(fd) != 0) st = recorder::errno_error("probe: fsync", probe);
  ::close(fd);
  if (::unlink(probe.c_str()) != 0 && st) st = recorder::errno_error("probe: remove", probe);
  return st;
}

fs::path relative_path(const store::IndexedRecording& row) {
  const std::int64_t ms = row.started_at_ms > 0 ? row.started_at_ms : row.indexed_at_ms;
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char date[32];
  std::snprintf(date, sizeof date, "%04d/%02d/%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return fs::path(std::to_string(row.tenant_id)) / date / (row.recording_id + ".tlrec");
}

Result<std::unique_ptr<MirrorSet>> MirrorSet::open(const std::vector<std::string>& roots) {
  if (roots.size() < 2) {
    return Error{"nas: at least two mirrors are needed (" + std::to_string(roots.size()) +
                 " configured)"};
  }
  std::set<std::string> seen;
  auto set = std::make_unique<MirrorSet>();
  for (const std::string& r : roots) {
    if (r.empty() || r.front() != '/')
      return Error{"nas: mirror '" + r + "' is not an absolute path"};
    if (!seen.insert(fs::path(r).lexically_normal().string()).second) {
      return Error{"nas: mirror '" + r + "' is listed twice"};
    }
    set->mirrors_.push_back(std::make_unique<Mirror>(r));
    Mirror& m = *set->mirrors_.back();
    if (Status p = m.probe(); !p) m.mark_down(p.error().message);
  }
  return set;
}

Mirror* MirrorSet::find(const std::string& name) {
  for (auto& m : mirrors_)
    if (m->name() == name) return m.get();
  return nullptr;
}

std::size_t MirrorSet::up_count() const {
  std::size_t n = 0;
  for (const auto& m : mirrors_) n += m->up() ? 1 : 0;
  return n;
}

}  // namespace trunkline::nas
