// Token creation stacks are captured but never formatted; errors keep their traces.
import { withLeanTokenTraces } from "../../constructs/token-traces";

describe("withLeanTokenTraces", () => {
  test("leaves plain-object captures (cdktf's token records) unformatted, but errors keep their traces", () => {
    const record = { stack: "" };
    const [errorStack, recordStack] = withLeanTokenTraces(() => {
      Error.captureStackTrace(record);
      return [new Error("boom").stack, record.stack];
    });
    expect(recordStack).toBe("");
    expect(errorStack).toMatch(/^Error: boom\n {4}at .*token-traces\.test\.ts/);
  });

  test("puts the previous formatter back, also when the work throws", () => {
    const before = Error.prepareStackTrace;
    expect(() =>
      withLeanTokenTraces(() => {
        throw new Error("fails");
      }),
    ).toThrow("fails");
    expect(Error.prepareStackTrace).toBe(before);
  });
});
