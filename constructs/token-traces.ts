// How cdktf's token creation stacks are recorded while the stacks are built: not at all.

/**
 * Runs `fn` with stack traces on plain objects neither captured nor formatted; errors keep their usual `at …`
 * lines. cdktf captures the creation stack of every token it makes (on a plain object, every frame), only to show
 * it if that token later fails to resolve, and the provider classes make dozens per resource: at 300 services
 * formatting them was half of the synth time (2.9 s, 1.35 s without), and capturing them took a tenth of what was
 * left. Such a record then reads as an empty stack, as a formatted-away one did; the synthesized output is the
 * same byte for byte.
 */
export function withLeanTokenTraces<T>(fn: () => T): T {
  const restore = leanTokenTraces();
  try {
    return fn();
  } finally {
    restore();
  }
}

/** Installs what withLeanTokenTraces runs under, for as long as the caller needs it; returns what undoes it. */
export function leanTokenTraces(): () => void {
  const previousFormat = Error.prepareStackTrace;
  const previousCapture = Error.captureStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (!isError(error)) return "";
    return previousFormat ? previousFormat(error, frames) : `${error}\n${frames.map((frame) => `    at ${frame}`).join("\n")}`;
  };
  Error.captureStackTrace = (target, below) => {
    if (isError(target)) previousCapture.call(Error, target, below);
  };
  return () => {
    Error.prepareStackTrace = previousFormat;
    Error.captureStackTrace = previousCapture;
  };
}

/** An error of this realm or another (jest runs tests in a realm of their own), subclasses included. */
function isError(value: unknown): boolean {
  return value instanceof Error || Object.prototype.toString.call(value) === "[object Error]";
}
