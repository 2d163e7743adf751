#include <cstdio>
#include <string>

#include "nas/nas_cli.h"
#include "nas/nas_commands.h"
#include "nas/scrub/scrub.h"

namespace trunkline::nas {

int nas_scrub_command(int argc, char** argv) {
  auto parsed = parse_shared_options(argc, argv);
  if (!parsed)
    return fail("nas scrub",
                parsed.error().message + "\nusage: trunkline nas scrub " + kNasScrubUsage, 2);
  const NasArgs& args = *parsed;
  auto ctx = NasContext::open(args);
  if (!ctx) return fail("nas scrub", ctx.error().message, 2);
  auto report = scrub(*(*ctx)->replicator, (*ctx)->clock);
  if (!report) return fail("nas scrub", report.error().message, 2);
  (void)(*ctx)->record(std::nullopt, "nas.scrub", "all mirrors",
                       "ok: " + std::to_string(report->missing + report->bad) + " found, " +
                           std::to_string(report->repaired) + " repaired, " +
                           std::to_string(report->unrepairable) + " unrepairable");
  std::fputs(format_report(*report, args.json).c_str(), stdout);
  return report->unrepairable == 0 ? 0 : 1;
}

}  // namespace trunkline::nas
