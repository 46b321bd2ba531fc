import { BENCH_COMMAND, benchOptions, generatedServices } from "../../maintainer/bench";
import { UsageError, parseCommandLine } from "../../commands/cli";
import { resolveSettings } from "../../settings/load";

const options = (...args: string[]) => benchOptions(parseCommandLine(BENCH_COMMAND, args).values);

test("the run counts default to 7, 5 and 3, and each can be set", () => {
  expect(options()).toEqual({ runs: 7, synthRuns: 5, templateRuns: 3 });
  expect(options("--runs=1", "--synth-runs", "2", "--template-runs=100")).toEqual({ runs: 1, synthRuns: 2, templateRuns: 100 });
});

test.each([["--runs=0"], ["--runs=1.5"], ["--synth-runs=-1"], ["--template-runs=1e2"], ["--runs= "]])("%s is a usage error", (arg) => {
  expect(() => options(arg)).toThrow(UsageError);
  expect(() => options(arg)).toThrow(/^--[a-z-]+=.*: expected a whole number of runs from 1 to 100$/);
});

test("the generated settings the bench synthesizes are valid", () => {
  expect(Object.keys(resolveSettings(generatedServices(30)).services)).toHaveLength(30);
});
