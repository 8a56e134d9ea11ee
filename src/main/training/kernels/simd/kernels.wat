;; A training step's heavy kernels in WebAssembly SIMD (128-bit, 4 floats): a dense layer's
;; forward and backward passes, and the SGD update.
;;
;; Runlab instantiates this module on TensorFlow.js's own wasm heap (the memory is
;; imported), so its functions read and write tensors where they live: every pointer is a
;; byte address in that heap, every matrix row-major float32. `npm run build:wasm` turns
;; this file into kernels-wasm.ts; a unit test checks the two agree.
;;
;; Why: tfjs-wasm hands a product to XNNPACK, which packs the right operand into its own
;; layout whenever that operand is a new tensor — for a layer's weights, every step, since
;; the update writes new ones — and falls back to a naive loop for transposed operands.
;; These kernels take the operands as they are: nothing is packed or transposed first.
;;
;; The big products run in tiles of 4 rows × 8 columns, 8 accumulators held in registers
;; while the shared dimension streams by; a last tile that would run past the edge is moved
;; back to end at the edge (it recomputes a few outputs with the same result). Shapes
;; narrower than a tile (fewer than 4 rows or 8 columns, or an empty shared dimension) take
;; a scalar loop. Every output is
;; a sum over the shared dimension in order, starting from the bias — the scalar loop and
;; the tiles give identical results — with a multiply and an add (no fused multiply-add).
(module
  (import "env" "memory" (memory 1))

  ;; c[m, n] = act(a[m, k] · b[k, n] + bias[n]); bias 0 for none; relu ≠ 0: max(·, 0)
  ;; (NaN stays NaN).
  (func $gemm_nn (export "gemm_nn")
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32) (param $relu i32)
    (local $i i32) (local $j i32) (local $row i32) (local $col i32) (local $steps i32)
    (local $aRow i32) (local $bRow i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $pc0 i32) (local $pc1 i32) (local $pc2 i32) (local $pc3 i32)
    (local $init0 v128) (local $init1 v128) (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (if (i32.or (i32.or (i32.lt_s (local.get $m) (i32.const 4)) (i32.lt_s (local.get $n) (i32.const 8)))
          (i32.lt_s (local.get $k) (i32.const 1)))
      (then
        (call $gemm_nn_scalar (local.get $a) (local.get $b) (local.get $bias) (local.get $c)
          (local.get $m) (local.get $k) (local.get $n) (local.get $relu))
        (return)))
    (local.set $aRow (i32.shl (local.get $k) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (loop $rows
      ;; the tile's first row: i, or m − 4 for the last tile
      (local.set $row (select (local.get $i) (i32.sub (local.get $m) (i32.const 4))
        (i32.le_s (local.get $i) (i32.sub (local.get $m) (i32.const 4)))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (select (local.get $j) (i32.sub (local.get $n) (i32.const 8))
          (i32.le_s (local.get $j) (i32.sub (local.get $n) (i32.const 8)))))
        (if (local.get $bias)
          (then
            (local.set $init0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $col) (i32.const 2)))))
            (local.set $init1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $col) (i32.const 2))))))
          (else
            (local.set $init0 (v128.const f32x4 0 0 0 0))
            (local.set $init1 (v128.const f32x4 0 0 0 0))))
        (local.set $c00 (local.get $init0)) (local.set $c01 (local.get $init1))
        (local.set $c10 (local.get $init0)) (local.set $c11 (local.get $init1))
        (local.set $c20 (local.get $init0)) (local.set $c21 (local.get $init1))
        (local.set $c30 (local.get $init0)) (local.set $c31 (local.get $init1))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $row) (local.get $aRow))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $aRow)))
        (local.set $pa2 (i32.add (local.get $pa1) (local.get $aRow)))
        (local.set $pa3 (i32.add (local.get $pa2) (local.get $aRow)))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
        (local.set $steps (local.get $k))
        (loop $shared
          ;; b[kk, col .. col + 8] against a[row + r, kk] for the 4 rows
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $s (v128.load32_splat (local.get $pa0)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (v128.load32_splat (local.get $pa1)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (v128.load32_splat (local.get $pa2)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (v128.load32_splat (local.get $pa3)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
          (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
          (local.set $pa2 (i32.add (local.get $pa2) (i32.const 4)))
          (local.set $pa3 (i32.add (local.get $pa3) (i32.const 4)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
        (if (local.get $relu)
          (then
            (local.set $c00 (f32x4.max (local.get $c00) (v128.const f32x4 0 0 0 0)))
            (local.set $c01 (f32x4.max (local.get $c01) (v128.const f32x4 0 0 0 0)))
            (local.set $c10 (f32x4.max (local.get $c10) (v128.const f32x4 0 0 0 0)))
            (local.set $c11 (f32x4.max (local.get $c11) (v128.const f32x4 0 0 0 0)))
            (local.set $c20 (f32x4.max (local.get $c20) (v128.const f32x4 0 0 0 0)))
            (local.set $c21 (f32x4.max (local.get $c21) (v128.const f32x4 0 0 0 0)))
            (local.set $c30 (f32x4.max (local.get $c30) (v128.const f32x4 0 0 0 0)))
            (local.set $c31 (f32x4.max (local.get $c31) (v128.const f32x4 0 0 0 0)))))
        (local.set $pc0 (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2))))
        (local.set $pc1 (i32.add (local.get $pc0) (local.get $bRow)))
        (local.set $pc2 (i32.add (local.get $pc1) (local.get $bRow)))
        (local.set $pc3 (i32.add (local.get $pc2) (local.get $bRow)))
        (v128.store (local.get $pc0) (local.get $c00)) (v128.store offset=16 (local.get $pc0) (local.get $c01))
        (v128.store (local.get $pc1) (local.get $c10)) (v128.store offset=16 (local.get $pc1) (local.get $c11))
        (v128.store (local.get $pc2) (local.get $c20)) (v128.store offset=16 (local.get $pc2) (local.get $c21))
        (v128.store (local.get $pc3) (local.get $c30)) (v128.store offset=16 (local.get $pc3) (local.get $c31))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $rows (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m)))))

  ;; gemm_nn one output at a time, for shapes narrower than a tile.
  (func $gemm_nn_scalar
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32) (param $relu i32)
    (local $i i32) (local $j i32) (local $kk i32) (local $sum f32)
    (local.set $i (i32.const 0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $cols
            (br_if $rowDone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $sum (if (result f32) (local.get $bias)
              (then (f32.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (else (f32.const 0))))
            (local.set $kk (i32.const 0))
            (block $sumDone
              (loop $shared
                (br_if $sumDone (i32.ge_s (local.get $kk) (local.get $k)))
                (local.set $sum (f32.add (local.get $sum) (f32.mul
                  (f32.load (i32.add (local.get $a)
                    (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $kk)) (i32.const 2))))
                  (f32.load (i32.add (local.get $b)
                    (i32.shl (i32.add (i32.mul (local.get $kk) (local.get $n)) (local.get $j)) (i32.const 2)))))))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $shared)))
            (if (local.get $relu) (then (local.set $sum (f32.max (local.get $sum) (f32.const 0)))))
            (f32.store (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; c[p, n] = a[m, p]ᵀ · b[m, n] — a dense layer's weight gradient xᵀ · dy, without
  ;; transposing x: a tile's 4 rows are 4 adjacent columns of a.
  (func $gemm_tn (export "gemm_tn")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $p i32) (param $n i32)
    (local $i i32) (local $j i32) (local $row i32) (local $col i32) (local $steps i32)
    (local $aRow i32) (local $bRow i32) (local $pa i32) (local $pb i32)
    (local $pc0 i32) (local $pc1 i32) (local $pc2 i32) (local $pc3 i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (if (i32.or (i32.or (i32.lt_s (local.get $p) (i32.const 4)) (i32.lt_s (local.get $n) (i32.const 8)))
          (i32.lt_s (local.get $m) (i32.const 1)))
      (then
        (call $gemm_tn_scalar (local.get $a) (local.get $b) (local.get $c)
          (local.get $m) (local.get $p) (local.get $n))
        (return)))
    (local.set $aRow (i32.shl (local.get $p) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $row (select (local.get $i) (i32.sub (local.get $p) (i32.const 4))
        (i32.le_s (local.get $i) (i32.sub (local.get $p) (i32.const 4)))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (select (local.get $j) (i32.sub (local.get $n) (i32.const 8))
          (i32.le_s (local.get $j) (i32.sub (local.get $n) (i32.const 8)))))
        (local.set $c00 (v128.const f32x4 0 0 0 0)) (local.set $c01 (v128.const f32x4 0 0 0 0))
        (local.set $c10 (v128.const f32x4 0 0 0 0)) (local.set $c11 (v128.const f32x4 0 0 0 0))
        (local.set $c20 (v128.const f32x4 0 0 0 0)) (local.set $c21 (v128.const f32x4 0 0 0 0))
        (local.set $c30 (v128.const f32x4 0 0 0 0)) (local.set $c31 (v128.const f32x4 0 0 0 0))
        (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $row) (i32.const 2))))
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
        (local.set $steps (local.get $m))
        (loop $shared
          ;; b[mm, col .. col + 8] against a[mm, row + r] for the 4 rows
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $s (v128.load32_splat (local.get $pa)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $s (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (local.get $aRow)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
        (local.set $pc0 (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2))))
        (local.set $pc1 (i32.add (local.get $pc0) (local.get $bRow)))
        (local.set $pc2 (i32.add (local.get $pc1) (local.get $bRow)))
        (local.set $pc3 (i32.add (local.get $pc2) (local.get $bRow)))
        (v128.store (local.get $pc0) (local.get $c00)) (v128.store offset=16 (local.get $pc0) (local.get $c01))
        (v128.store (local.get $pc1) (local.get $c10)) (v128.store offset=16 (local.get $pc1) (local.get $c11))
        (v128.store (local.get $pc2) (local.get $c20)) (v128.store offset=16 (local.get $pc2) (local.get $c21))
        (v128.store (local.get $pc3) (local.get $c30)) (v128.store offset=16 (local.get $pc3) (local.get $c31))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $rows (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $p)))))

  ;; gemm_tn one output at a time, for shapes narrower than a tile.
  (func $gemm_tn_scalar
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $p i32) (param $n i32)
    (local $i i32) (local $j i32) (local $mm i32) (local $sum f32)
    (local.set $i (i32.const 0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $p)))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $cols
            (br_if $rowDone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $sum (f32.const 0))
            (local.set $mm (i32.const 0))
            (block $sumDone
              (loop $shared
                (br_if $sumDone (i32.ge_s (local.get $mm) (local.get $m)))
                (local.set $sum (f32.add (local.get $sum) (f32.mul
                  (f32.load (i32.add (local.get $a)
                    (i32.shl (i32.add (i32.mul (local.get $mm) (local.get $p)) (local.get $i)) (i32.const 2))))
                  (f32.load (i32.add (local.get $b)
                    (i32.shl (i32.add (i32.mul (local.get $mm) (local.get $n)) (local.get $j)) (i32.const 2)))))))
                (local.set $mm (i32.add (local.get $mm) (i32.const 1)))
                (br $shared)))
            (f32.store (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; out[i] = dy[i] where relu's output y[i] > 0, else 0 — relu's backward pass (0 at 0, as
  ;; PyTorch). A NaN in y gives NaN (y · 0), as dy · step(y) does.
  (func $relu_grad (export "relu_grad") (param $dy i32) (param $y i32) (param $out i32) (param $len i32)
    (local $i i32) (local $end i32) (local $yv v128) (local $yf f32)
    (local.set $end (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $yv (v128.load (i32.add (local.get $y) (local.get $i))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.bitselect
            (v128.load (i32.add (local.get $dy) (local.get $i)))
            (f32x4.mul (local.get $yv) (v128.const f32x4 0 0 0 0))
            (f32x4.gt (local.get $yv) (v128.const f32x4 0 0 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.shl (local.get $len) (i32.const 2)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $yf (f32.load (i32.add (local.get $y) (local.get $i))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (select
            (f32.load (i32.add (local.get $dy) (local.get $i)))
            (f32.mul (local.get $yf) (f32.const 0))
            (f32.gt (local.get $yf) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rest))))

  ;; out[n] = Σ over rows of a[m, n] — a dense layer's bias gradient, rows summed in order.
  (func $col_sums (export "col_sums") (param $a i32) (param $out i32) (param $m i32) (param $n i32)
    (local $j i32) (local $i i32) (local $p i32) (local $rowBytes i32) (local $acc v128) (local $sum f32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $sumDone
          (loop $sum
            (br_if $sumDone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sum)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vectors)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $sum (f32.const 0))
        (local.set $p (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $sumDone
          (loop $sum
            (br_if $sumDone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $sum (f32.add (local.get $sum) (f32.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sum)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $sum))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rest))))

  ;; out[cols, rows] = a[rows, cols]ᵀ — for dy · Wᵀ, the layer's input gradient.
  (func $transpose (export "transpose") (param $a i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $src i32)
    (local.set $src (local.get $a))
    (local.set $i (i32.const 0))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_s (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $colsLoop
            (br_if $rowDone (i32.ge_s (local.get $j) (local.get $cols)))
            (f32.store (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (f32.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $colsLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsLoop))))
;; SGD's update, out = p − lr · (g + wd · p), or p − lr · g when wd = 0 — each operation
  ;; rounded to float32 in the order the optimizer's ops apply them, so the result is the
  ;; same to the bit; over `len` floats.
  (func $sgd_step (export "sgd_step")
    (param $p i32) (param $g i32) (param $out i32) (param $len i32) (param $lr f32) (param $wd f32)
    (local $i i32) (local $end i32) (local $lrv v128) (local $wdv v128) (local $pv v128) (local $pf f32)
    (local.set $lrv (f32x4.splat (local.get $lr)))
    (local.set $wdv (f32x4.splat (local.get $wd)))
    (local.set $end (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $pv (v128.load (i32.add (local.get $p) (local.get $i))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.sub (local.get $pv) (f32x4.mul
            (if (result v128) (f32.eq (local.get $wd) (f32.const 0))
              (then (v128.load (i32.add (local.get $g) (local.get $i))))
              (else (f32x4.add (v128.load (i32.add (local.get $g) (local.get $i)))
                (f32x4.mul (local.get $pv) (local.get $wdv)))))
            (local.get $lrv))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.shl (local.get $len) (i32.const 2)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $pf (f32.load (i32.add (local.get $p) (local.get $i))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.sub (local.get $pf) (f32.mul
            (if (result f32) (f32.eq (local.get $wd) (f32.const 0))
              (then (f32.load (i32.add (local.get $g) (local.get $i))))
              (else (f32.add (f32.load (i32.add (local.get $g) (local.get $i)))
                (f32.mul (local.get $pf) (local.get $wd)))))
            (local.get $lr))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rest))))
)
