import { defaultCacheDir } from "../../src/cache/default_cache_dir.ts";
import { defineXdgDirTests } from "../support/xdg_dir_cases.ts";

defineXdgDirTests("defaultCacheDir()", defaultCacheDir, {
  variable: "XDG_CACHE_HOME",
  fallback: ".cache",
});
