#include "tool.h"
int tool_graph(int argc, char **argv) { (void)argc; (void)argv; return 2; }
