import { defaultStateDir } from "../../src/checkpoint/default_state_dir.ts";
import { defineXdgDirTests } from "../support/xdg_dir_cases.ts";

defineXdgDirTests("defaultStateDir()", defaultStateDir, {
  variable: "XDG_STATE_HOME",
  fallback: ".local/state",
});
