// Token creation stacks are neither captured nor formatted; errors keep their traces.
import { runInNewContext } from "node:vm";
import { withLeanTokenTraces } from "../../constructs/token-traces";

describe("withLeanTokenTraces", () => {
  test("leaves plain-object captures (cdktf's token records) empty, but errors keep their traces", () => {
    const record = { stack: "" };
    const [errorStack, recordStack] = withLeanTokenTraces(() => {
      Error.captureStackTrace(record);
      return [new Error("boom").stack, record.stack];
    });
    expect(recordStack).toBe("");
    expect(errorStack).toMatch(/^Error: boom\n {4}at .*token-traces\.test\.ts/);
  });

  test("an error made in another realm keeps its trace too", () => {
    const foreign = runInNewContext("new Error('elsewhere')") as Error;
    foreign.stack = "";
    withLeanTokenTraces(() => Error.captureStackTrace(foreign));
    expect(foreign.stack).toMatch(/^Error: elsewhere\n {4}at /);
  });

  test("puts the previous formatter and capture back, also when the work throws", () => {
    const before = Error.prepareStackTrace;
    const capture = Error.captureStackTrace;
    expect(() =>
      withLeanTokenTraces(() => {
        throw new Error("fails");
      }),
    ).toThrow("fails");
    expect(Error.prepareStackTrace).toBe(before);
    expect(Error.captureStackTrace).toBe(capture);
  });
});
