// Every error the library throws carries a stable `code`, as Node's own errors do (err.code ===
// 'ERR_INVALID_ARG_TYPE'): programs branch on the code, people read the message. The class stays
// what it always was (TypeError for a wrong type, RangeError for a bad value or shape, Error
// otherwise), so `instanceof RangeError` keeps working. The native addon sets the same codes.

/** The codes, and what each means. */
export const errorCodes = {
  /** An argument of the wrong type, or a value out of its range (TypeError or RangeError). */
  NC_ARGUMENT: 'an argument of the wrong type or value',
  /** Shapes that do not agree, or a window that does not fit its input (RangeError). */
  NC_SHAPE: 'shapes that do not agree',
  /** An unknown or unusable device, or tensors on different devices. */
  NC_DEVICE: 'a device that cannot be used here',
  /** A tensor or storage used after dispose(). */
  NC_DISPOSED: 'a tensor used after dispose()',
  /** Host or GPU memory exhausted. */
  NC_OUT_OF_MEMORY: 'out of memory',
  /** A CUDA runtime failure; the message keeps CUDA's status name. */
  NC_CUDA: 'a CUDA failure',
  /** A cuDNN failure; the message keeps cuDNN's status name. */
  NC_CUDNN: 'a cuDNN failure',
  /** A cuBLAS failure; the message keeps cuBLAS's status name. */
  NC_CUBLAS: 'a cuBLAS failure',
  /** A oneDNN failure on the CPU backend. */
  NC_ONEDNN: 'a oneDNN failure',
  /** A file that cannot be read or written, or whose contents are malformed. */
  NC_FILE: 'a file that cannot be used',
  /** NaN or infinity found in training (NonFiniteError). */
  NC_NON_FINITE: 'a non-finite value',
  /** A call out of order: a parameter used before initialize(), backward() without a tape. */
  NC_STATE: 'a call out of order',
  /** A failure inside the library that none of the above describes: a bug to report. */
  NC_INTERNAL: 'an internal failure',
} as const;

/** A stable error code, such as 'NC_SHAPE': the keys of {@link errorCodes}. */
export type ErrorCode = keyof typeof errorCodes;

/** An error thrown by node-cudnn: a TypeError, RangeError or Error with a stable {@link ErrorCode}. */
export type NodeCudnnError = Error & { readonly code: ErrorCode };

/** Whether `err` was thrown by node-cudnn (and so has a `code` from {@link errorCodes}). */
export function isNodeCudnnError(err: unknown): err is NodeCudnnError {
  return err instanceof Error && Object.prototype.hasOwnProperty.call(errorCodes, (err as { code?: unknown }).code as string);
}

type ErrorClass = typeof Error | typeof TypeError | typeof RangeError;

/** A new error of class `kind` with `code` (use `coded` to mark an error made elsewhere). */
export function codedError(code: ErrorCode, message: string, kind: ErrorClass = Error, options?: { cause?: unknown }): NodeCudnnError {
  return coded(new kind(message, options), code);
}

/** Marks `err` with `code` and returns it. */
export function coded<E extends Error>(err: E, code: ErrorCode): E & { readonly code: ErrorCode } {
  Object.defineProperty(err, 'code', { value: code, enumerable: true, configurable: true, writable: false });
  return err as E & { readonly code: ErrorCode };
}

/** A RangeError for shapes that disagree: "<op>: <what>". */
export const shapeError = (op: string, what: string): NodeCudnnError => codedError('NC_SHAPE', `${op}: ${what}`, RangeError);
/** An Error for a call out of order: "<op>: <what>". */
export const stateError = (op: string, what: string): NodeCudnnError => codedError('NC_STATE', `${op}: ${what}`);
