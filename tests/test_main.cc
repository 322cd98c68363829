// main() of the unit and end-to-end test binaries: gtest, with bounded Markdown rendering (tickets, imports)
// done by render workers started from the built entraide binary, as in serve.
#include <gtest/gtest.h>

#include "markdown/render_workers.h"
#include "test_util.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  entraide::markdown::UseRenderWorkers({entraide::testing::BinaryDir() + "/entraide"});
  return RUN_ALL_TESTS();
}
