// entraide: the one binary. See app/cli.cc for the commands.
#include "app/cli.h"

int main(int argc, char** argv) { return entraide::app::RunCli(argc, argv); }
