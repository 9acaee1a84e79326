#include "tool.h"
int tool_dashboard(int argc, char **argv) { (void)argc; (void)argv; return 2; }
