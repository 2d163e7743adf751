#include <cstdio>
#include <string>

#include "nas/nas_cli.h"
#include "nas/nas_commands.h"

namespace trunkline::nas {

int nas_resync_command(int argc, char** argv) {
  auto parsed = parse_shared_options(argc, argv);
  if (!parsed)
    return fail("nas resync",
                parsed.error().message + "\nusage: trunkline nas resync " + kNasResyncUsage, 2);
  const NasArgs& args = *parsed;
  auto ctx = NasContext::open(args);
  if (!ctx) return fail("nas resync", ctx.error().message, 2);
  Replicator& r = *(*ctx)->replicator;
  int code = 0;
  // What the spool still holds first (a crash before or between mirrors).
  for (auto& [path, row] : r.sealed_in_spool()) {
    auto state = r.publish(path, row);
    if (!state) {
      std::fprintf(stderr, "trunkline nas resync: %s: %s\n", path.c_str(),
                   state.error().message.c_str());
      code = 1;
    } else {
      std::printf("%s: %s\n", path.c_str(), store::to_string(*state));
    }
  }
  for (auto& m : r.mirrors().mirrors()) {
    if (!m->up()) {
      std::printf("mirror %s: down (%s)\n", m->name().c_str(), m->last_error().c_str());
      code = 1;
      continue;
    }
    auto n = r.recover(*m);
    if (!n) return fail("nas resync", n.error().message, 2);
    std::printf("mirror %s: %zu copies made%s\n", m->name().c_str(), *n,
                m->up() ? "" : " (went down)");
    if (!m->up()) code = 1;
  }
  return code;
}

}  // namespace trunkline::nas
