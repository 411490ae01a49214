// `loadgate phase2 CHECKLIST.yaml`: a document's migration checklist run as a checklist. Each
// item's steps run in order as `loadgate run` runs a scenario; the list stops at the first failed
// gate item unless --keep-going, and every item is reported ticked, failed or not checked, with
// its evidence and the quote it came from (session/checklist.h, reports/checklist_report.h).
#pragma once

namespace CLI {
class App;
}

namespace loadgate::cli {

void add_phase2_command(CLI::App& app, int& exit_code);

}  // namespace loadgate::cli
