// The backend contract: the operations that every backend implements, with the same signatures.
// cpu/cpu.h includes this file inside namespace nc::cpu and cuda/cuda.h inside nc::cuda, so the one
// list below declares both backends' functions, and RUN_ON (ops/ops.h) can call either by name.
// Hence no include guard and no #include here: the includer brings shapes.h and optim.h first.
//
// Pointers are the device's (host memory for the CPU, device memory for CUDA). Arguments were
// checked by the entry points (ops/); backends trust them. GPU functions only queue work on the
// stream unless they return a host value.

// conv — convolution with bias and activation fused into the forward.
// x (N,C,H,W) * w (O,C,KH,KW) + b (O) -> y (N,O,OH,OW); b may be null.
void Conv2dForward(const ConvShape& s, const float* x, const float* w, const float* b, float* y, Activation act);
// The whole backward of Conv2dForward: the activation's derivative (from the output y), then dx
// (when not null), dw and db (when not null).
void Conv2dBackward(const ConvShape& s, const float* x, const float* w, const float* y, const float* dy,
                    Activation act, float* dx, float* dw, float* db);

// pool — max and average pooling (average counts padded cells). x (N,C,H,W) -> y (N,C,OH,OW).
// The bytes of workspace the forward fills for the backward (0: it needs none).
size_t Pool2dWorkspaceBytes(const PoolShape& s, bool isMax, bool training);
// workspace: Pool2dWorkspaceBytes(s, isMax, training) bytes, or null when that is 0.
void Pool2dForward(const PoolShape& s, bool isMax, const float* x, float* y, void* workspace);
// From x and y, or from the forward's workspace: each backend reads what it needs.
void Pool2dBackward(const PoolShape& s, bool isMax, const float* x, const float* y, const float* dy, float* dx,
                    const void* workspace);

// activation — None, Relu, Sigmoid, Tanh on n elements; the backward uses the forward's output y.
void ActivationForward(Activation act, int64_t n, const float* x, float* y);
void ActivationBackward(Activation act, int64_t n, const float* y, const float* dy, float* dx);
// Leaky relu (negative slope alpha), ELU (alpha) and exact GELU; their backward uses the input x.
void InputActivationForward(Activation act, float alpha, int64_t n, const float* x, float* y);
void InputActivationBackward(Activation act, float alpha, int64_t n, const float* x, const float* dy, float* dx);

// batchnorm — per channel (see cpu/batchnorm.cc for the running-statistics conventions).
// x, y, dy, dx (N,C,H,W); gamma, beta, running*, save*, dgamma, dbeta (C).
void BatchNormForward(const BatchNormShape& s, const float* x, const float* gamma, const float* beta,
                      float* runningMean, float* runningVar, float* y, float* saveMean, float* saveInvStd,
                      bool training, double momentum, double epsilon);
void BatchNormBackward(const BatchNormShape& s, const float* x, const float* gamma, const float* dy,
                       const float* saveMean, const float* saveInvStd, bool training, double epsilon, float* dx,
                       float* dgamma, float* dbeta);

// dense — x (N,K) w (M,K) + b (M) -> y (N,M), bias and activation fused; b, dx, db may be null.
void DenseForward(const DenseShape& s, const float* x, const float* w, const float* b, float* y, Activation act);
void DenseBackward(const DenseShape& s, const float* x, const float* w, const float* dy, float* dx, float* dw,
                   float* db);

// loss — softmax cross-entropy per example, its gradient, and accuracy counting.
// logits (N,C), labels (N) as floats, loss and dloss (N).
void SoftmaxCrossEntropy(int64_t n, int64_t c, const float* logits, const float* labels, float* loss);
void SoftmaxCrossEntropyBackward(int64_t n, int64_t c, const float* logits, const float* labels,
                                 const float* dloss, float* dlogits);
// Rows whose label is among the top k scores (a host value: the GPU synchronises). k = 1: the first
// arg-max (NaNs skipped) equals the label. k > 1: fewer than k scores beat the label's, a tie
// beating it when its index is smaller (so k = 1 would agree), and a NaN label score never counts.
int64_t CountCorrect(int64_t n, int64_t c, int64_t k, const float* logits, const float* labels);
// total[0] += CountCorrect(...), kept where the tensors live (no synchronisation).
void AccumulateCorrect(int64_t n, int64_t c, int64_t k, const float* logits, const float* labels, float* total);

// image — resampling (resize, flips, crops, rotations) by one 2x3 matrix per image, and colour
// jitter: y = (x - mean)·contrast + mean·brightness per image of `size` values.
void AffineSample(const ImageShape& s, const float* x, const float* matrices, bool clampEdges, float* y);
void ColorJitter(int64_t n, int64_t size, const float* x, const float* brightness, const float* contrast, float* y);

// fill — fills, random numbers (random.h: the same numbers on every backend) and dropout.
void FillConstant(int64_t n, float* y, float value);
void FillUniform(int64_t n, float* y, float low, float high, uint64_t seed);
void FillNormal(int64_t n, float* y, float mean, float std, uint64_t seed);
// mask = [u >= p] / (1 - p); y = x * mask.
void DropoutForward(int64_t n, const float* x, float* y, float* mask, float p, uint64_t seed);

// elementwise — y = a*x + b*y (b == 0: y is only written), y = x1*x2, out[0] = Σ x.
void Axpby(int64_t n, const float* x, float* y, float a, float b);
void Multiply(int64_t n, const float* x1, const float* x2, float* y);
void Sum(int64_t n, const float* x, float* out);

// arithmetic — NumPy-broadcast binary ops (their expressions: arithmetic.h) and the sum of a
// broadcast gradient back to an operand's shape.
void Binary(BinaryOp op, const Broadcast& s, const float* a, const float* b, float* y);
// da = dy·∂y/∂a and db = dy·∂y/∂b per element of y (dy's shape); either may be null.
void BinaryBackward(BinaryOp op, const Broadcast& s, const float* a, const float* b, const float* dy, float* da,
                    float* db);
void SumTo(const SumToShape& s, const float* x, float* y);

// optim — the fused optimizer update (rules in optim.h) and out[0] = Σ x² (+ out[0] with
// accumulate), for global-norm clipping; normSq may be null.
void OptimizerUpdate(const OptimizerStep& h, int64_t n, float* w, const float* g, float* s1, float* s2, float* s3,
                     const float* normSq);
void SumSquares(int64_t n, const float* x, float* out, bool accumulate);

// unary — element-wise y = f(x) (their expressions: unary.h) with dx = dy·f'(x) from x and y; clip
// (bounds ∓infinity when absent); where: y = cond ≠ 0 ? a : b broadcast, and its backward da = dy
// where cond ≠ 0, db = dy elsewhere, each of dy's (the broadcast) shape and either null.
void Unary(UnaryOp op, int64_t n, const float* x, float* y);
void UnaryBackward(UnaryOp op, int64_t n, const float* x, const float* y, const float* dy, float* dx);
void Clip(int64_t n, const float* x, float* y, float lo, float hi);
void ClipBackward(int64_t n, const float* x, const float* dy, float* dx, float lo, float hi);
void Where(const WhereShape& s, const float* cond, const float* a, const float* b, float* y);
void WhereBackward(const WhereShape& s, const float* cond, const float* dy, float* da, float* db);
// matmul — y = op(a)·op(b) per product of the broadcast batch (matmul.h); row-major, contiguous.
void Matmul(const MatmulShape& s, const float* a, const float* b, float* y);
// reduce — x viewed as (outer, r, inner) (reducers.h) folded over r into (outer, inner): y = Σ, the mean,
// or the max/min, with the picked k (as a float) in `indices`. For Max/Min either of y and indices
// may be null (argmax wants only the index); Sum and Mean take no indices.
void Reduce(ReduceOp op, const AxisShape& s, const float* x, float* y, float* indices);
// dx (outer, r, inner) from dy (outer, inner): Sum and Mean spread dy (÷ r) along r; Max and Min put
// dy where `indices` says and 0 elsewhere.
void ReduceBackward(ReduceOp op, const AxisShape& s, const float* dy, const float* indices, float* dx);

// softmax — along r of (outer, r, inner), with the maximum subtracted first: y = softmax(x), or
// log-softmax with `log`. The backward needs only y: dx = y·(dy − Σ dy·y), or dx = dy − eʸ·Σ dy.
void SoftmaxForward(const AxisShape& s, bool log, const float* x, float* y);
void SoftmaxBackward(const AxisShape& s, bool log, const float* y, const float* dy, float* dx);
// copy — the strided copy (strided_copy.h) behind every shape op: transpose, slice, concat, pad,
// broadcastTo, clone and their backwards.
void CopyStrided(const StridedCopy& s, const float* src, float* dst);
