// The command line: `entraide [--config FILE] COMMAND [options]`. Exit codes: 0 success, 1 the command
// failed (e.g. bad content files), 2 bad usage or configuration.
#pragma once

namespace entraide::app {

int RunCli(int argc, char** argv);

}  // namespace entraide::app
