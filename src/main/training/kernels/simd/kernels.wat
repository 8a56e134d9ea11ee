;; A training step's heavy kernels in WebAssembly SIMD (128-bit, 4 floats): a dense layer's
;; forward and backward passes, a convolution's forward pass, filter gradient and input
;; gradient, and the SGD update.
;;
;; Runlab instantiates this module on TensorFlow.js's own wasm heap (the memory is
;; imported), so its functions read and write tensors where they live: every pointer is a
;; byte address in that heap, every matrix row-major float32. `npm run build:wasm` turns
;; this file into kernels-wasm.ts in four builds — with fused multiply-add
;; (f32x4.relaxed_madd, as written here) or with a multiply and an add (each relaxed_madd
;; rewritten), each for an unshared and for a shared memory (the import's limits
;; rewritten) — and a unit test checks that they agree with this file.
;;
;; Why: tfjs-wasm hands a product to XNNPACK, which packs the right operand into its own
;; layout whenever that operand is a new tensor — for a layer's weights, every step, since
;; the update writes new ones — and falls back to a naive loop for transposed operands;
;; it has no filter-gradient kernel for convolutions at all. These kernels take the
;; operands as they are: nothing is packed or transposed first.
;;
;; The products run in tiles of 4 rows × 8 columns, 8 accumulators held in registers while
;; the shared dimension streams by; a last tile that would run past the edge is moved back
;; to end at the edge (it recomputes a few outputs with the same result). Shapes narrower
;; than a tile (fewer than 4 rows or 8 columns, or an empty shared dimension) take a loop
;; over single outputs with the same arithmetic. Every output is a sum over the shared
;; dimension in order, starting from the bias, so the tiles and the single outputs agree
;; to the bit.
;;
;; Threads: the big kernels take (part, parts) last and compute only their share — whole
;; tiles of output rows, or whole images — so several threads can run one kernel on a
;; shared memory at once. Every output is computed the same way whatever the number of
;; parts: the result does not depend on how many threads ran it.
;;
;; Convolutions (NHWC, filters [kh, kw, c, o]) read a zero-padded copy of the input,
;; xp[b, hp, wp, c] (pad_nhwc), through a table of where each output pixel's window starts
;; in it (conv_rows): for a fixed filter row ky, the window's kw·c inputs are adjacent in
;; xp, so a convolution is a product whose shared dimension runs in kh segments of kw·c
;; floats, one row of xp apart.
(module
  (import "env" "memory" (memory 1))

  ;; The first row (a multiple of 4) of part `part` of `parts` over `rows` rows.
  (func $split (param $rows i32) (param $part i32) (param $parts i32) (result i32)
    (if (result i32) (i32.ge_s (local.get $part) (local.get $parts))
      (then (local.get $rows))
      (else
        (i32.shl (i32.shr_u
          (i32.wrap_i64 (i64.div_u
            (i64.mul (i64.extend_i32_u (i32.add (local.get $rows) (i32.const 3))) (i64.extend_i32_u (local.get $part)))
            (i64.extend_i32_u (local.get $parts))))
          (i32.const 2)) (i32.const 2)))))

  ;; The first item of part `part` of `parts` over `items` whole items (images).
  (func $split_items (param $items i32) (param $part i32) (param $parts i32) (result i32)
    (if (result i32) (i32.ge_s (local.get $part) (local.get $parts))
      (then (local.get $items))
      (else
        (i32.wrap_i64 (i64.div_u
          (i64.mul (i64.extend_i32_u (local.get $items)) (i64.extend_i32_u (local.get $part)))
          (i64.extend_i32_u (local.get $parts)))))))

  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))

  ;; Copies `bytes` (a multiple of 4) from src to dst, 16 at a time: rows here are a few
  ;; hundred bytes, where a loop beats memory.copy's call.
  (func $copy (param $dst i32) (param $src i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.and (local.get $bytes) (i32.const -16))))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $bytes) (i32.const 12))))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (i32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (br $rest))))

  ;; Zeroes `bytes` (a multiple of 4) at dst, as $copy copies.
  (func $zero (param $dst i32) (param $bytes i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (i32.and (local.get $bytes) (i32.const -16))))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vectors)))
    (local.set $end (i32.add (local.get $end) (i32.and (local.get $bytes) (i32.const 12))))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store (local.get $dst) (i32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $rest))))

  ;; ───────────────────────────── dense products ─────────────────────────────

  ;; c[m, n] = act(a[m, k] · b[k, n] + bias[n]); bias 0 for none; relu ≠ 0: max(·, 0)
  ;; (NaN stays NaN). Part `part` of `parts` computes a share of the rows.
  (func $gemm_nn (export "gemm_nn")
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32) (param $relu i32) (param $part i32) (param $parts i32)
    (local $m0 i32) (local $m1 i32)
    (local.set $m0 (call $split (local.get $m) (local.get $part) (local.get $parts)))
    (local.set $m1 (call $split (local.get $m) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (if (i32.gt_s (local.get $m1) (local.get $m)) (then (local.set $m1 (local.get $m))))
    (if (i32.le_s (local.get $m1) (local.get $m0)) (then (return)))
    (call $gemm_nn_rows
      (i32.add (local.get $a) (i32.shl (i32.mul (local.get $m0) (local.get $k)) (i32.const 2)))
      (local.get $b) (local.get $bias)
      (i32.add (local.get $c) (i32.shl (i32.mul (local.get $m0) (local.get $n)) (i32.const 2)))
      (i32.sub (local.get $m1) (local.get $m0)) (local.get $k) (local.get $n) (local.get $relu)))

  (func $gemm_nn_rows
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
        (call $gemm_nn_single (local.get $a) (local.get $b) (local.get $bias) (local.get $c)
          (local.get $m) (local.get $k) (local.get $n) (local.get $relu) (i32.const 0))
        (return)))
    (local.set $aRow (i32.shl (local.get $k) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (loop $rows
      ;; the tile's first row: i, or m − 4 for the last tile
      (local.set $row (call $min (local.get $i) (i32.sub (local.get $m) (i32.const 4))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (call $min (local.get $j) (i32.sub (local.get $n) (i32.const 8))))
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
          (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
          (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
          (local.set $s (v128.load32_splat (local.get $pa1)))
          (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
          (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
          (local.set $s (v128.load32_splat (local.get $pa2)))
          (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
          (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
          (local.set $s (v128.load32_splat (local.get $pa3)))
          (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
          (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
          (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
          (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
          (local.set $pa2 (i32.add (local.get $pa2) (i32.const 4)))
          (local.set $pa3 (i32.add (local.get $pa3) (i32.const 4)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
        (local.set $pc0 (i32.add (local.get $c)
          (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2))))
        (call $store_tile (local.get $pc0) (local.get $bRow) (local.get $relu)
          (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
          (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $rows (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m)))))

  ;; Stores a 4 × 8 tile at p (rows `stride` bytes apart), through relu when asked.
  (func $store_tile (param $p i32) (param $stride i32) (param $relu i32)
    (param $c00 v128) (param $c01 v128) (param $c10 v128) (param $c11 v128)
    (param $c20 v128) (param $c21 v128) (param $c30 v128) (param $c31 v128)
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
    (v128.store (local.get $p) (local.get $c00)) (v128.store offset=16 (local.get $p) (local.get $c01))
    (local.set $p (i32.add (local.get $p) (local.get $stride)))
    (v128.store (local.get $p) (local.get $c10)) (v128.store offset=16 (local.get $p) (local.get $c11))
    (local.set $p (i32.add (local.get $p) (local.get $stride)))
    (v128.store (local.get $p) (local.get $c20)) (v128.store offset=16 (local.get $p) (local.get $c21))
    (local.set $p (i32.add (local.get $p) (local.get $stride)))
    (v128.store (local.get $p) (local.get $c30)) (v128.store offset=16 (local.get $p) (local.get $c31)))

  ;; gemm_nn one output at a time, for shapes narrower than a tile. The sums run in v128
  ;; lanes (all four the same) so that they round as the tiles' do. packed ≠ 0: b is in
  ;; panels (pack_panels).
  (func $gemm_nn_single
    (param $a i32) (param $b i32) (param $bias i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32) (param $relu i32) (param $packed i32)
    (local $i i32) (local $j i32) (local $kk i32) (local $sum v128)
    (local.set $i (i32.const 0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $cols
            (br_if $rowDone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $sum (if (result v128) (local.get $bias)
              (then (v128.load32_splat (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
              (else (v128.const f32x4 0 0 0 0))))
            (local.set $kk (i32.const 0))
            (block $sumDone
              (loop $shared
                (br_if $sumDone (i32.ge_s (local.get $kk) (local.get $k)))
                (local.set $sum (f32x4.relaxed_madd
                  (v128.load32_splat (i32.add (local.get $a)
                    (i32.shl (i32.add (i32.mul (local.get $i) (local.get $k)) (local.get $kk)) (i32.const 2))))
                  (v128.load32_splat (if (result i32) (local.get $packed)
                    (then (call $packed_at (local.get $b) (local.get $kk) (local.get $j) (local.get $k) (local.get $n)))
                    (else (i32.add (local.get $b)
                      (i32.shl (i32.add (i32.mul (local.get $kk) (local.get $n)) (local.get $j)) (i32.const 2))))))
                  (local.get $sum)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $shared)))
            (if (local.get $relu) (then (local.set $sum (f32x4.max (local.get $sum) (v128.const f32x4 0 0 0 0)))))
            (f32.store (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (f32x4.extract_lane 0 (local.get $sum)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; c[p, n] = a[m, p]ᵀ · b[m, n] — a dense layer's weight gradient xᵀ · dy, without
  ;; transposing x: a tile's 4 rows are 4 adjacent columns of a. Part `part` of `parts`
  ;; computes a share of c's rows.
  (func $gemm_tn (export "gemm_tn")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $p i32) (param $n i32)
    (param $part i32) (param $parts i32)
    (local $p0 i32) (local $p1 i32)
    (local.set $p0 (call $split (local.get $p) (local.get $part) (local.get $parts)))
    (local.set $p1 (call $min (local.get $p)
      (call $split (local.get $p) (i32.add (local.get $part) (i32.const 1)) (local.get $parts))))
    (if (i32.le_s (local.get $p1) (local.get $p0)) (then (return)))
    (call $gemm_tn_rows
      (i32.add (local.get $a) (i32.shl (local.get $p0) (i32.const 2)))
      (local.get $b)
      (i32.add (local.get $c) (i32.shl (i32.mul (local.get $p0) (local.get $n)) (i32.const 2)))
      (local.get $m) (i32.sub (local.get $p1) (local.get $p0)) (local.get $n) (i32.shl (local.get $p) (i32.const 2))))

  ;; gemm_tn for `rows` rows of c (columns of a, whose rows are aRow bytes apart).
  (func $gemm_tn_rows
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $rows i32) (param $n i32) (param $aRow i32)
    (local $i i32) (local $j i32) (local $row i32) (local $col i32) (local $steps i32)
    (local $bRow i32) (local $pa i32) (local $pb i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (if (i32.or (i32.or (i32.lt_s (local.get $rows) (i32.const 4)) (i32.lt_s (local.get $n) (i32.const 8)))
          (i32.lt_s (local.get $m) (i32.const 1)))
      (then
        (call $gemm_tn_single (local.get $a) (local.get $b) (local.get $c)
          (local.get $m) (local.get $rows) (local.get $n) (local.get $aRow) (i32.const 0))
        (return)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (loop $rowsLoop
      (local.set $row (call $min (local.get $i) (i32.sub (local.get $rows) (i32.const 4))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (call $min (local.get $j) (i32.sub (local.get $n) (i32.const 8))))
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
          (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
          (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
          (local.set $s (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
          (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
          (local.set $s (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
          (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
          (local.set $s (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
          (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
          (local.set $pa (i32.add (local.get $pa) (local.get $aRow)))
          (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
          (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
        (call $store_tile
          (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2)))
          (local.get $bRow) (i32.const 0)
          (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
          (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $rowsLoop (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $rows)))))

  ;; gemm_tn one output at a time, for shapes narrower than a tile. packed ≠ 0: b is in
  ;; panels (pack_panels).
  (func $gemm_tn_single
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $rows i32) (param $n i32) (param $aRow i32)
    (param $packed i32)
    (local $i i32) (local $j i32) (local $mm i32) (local $sum v128)
    (local.set $i (i32.const 0))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_s (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $rowDone
          (loop $cols
            (br_if $rowDone (i32.ge_s (local.get $j) (local.get $n)))
            (local.set $sum (v128.const f32x4 0 0 0 0))
            (local.set $mm (i32.const 0))
            (block $sumDone
              (loop $shared
                (br_if $sumDone (i32.ge_s (local.get $mm) (local.get $m)))
                (local.set $sum (f32x4.relaxed_madd
                  (v128.load32_splat (i32.add (local.get $a)
                    (i32.add (i32.mul (local.get $mm) (local.get $aRow)) (i32.shl (local.get $i) (i32.const 2)))))
                  (v128.load32_splat (if (result i32) (local.get $packed)
                    (then (call $packed_at (local.get $b) (local.get $mm) (local.get $j) (local.get $m) (local.get $n)))
                    (else (i32.add (local.get $b)
                      (i32.shl (i32.add (i32.mul (local.get $mm) (local.get $n)) (local.get $j)) (i32.const 2))))))
                  (local.get $sum)))
                (local.set $mm (i32.add (local.get $mm) (i32.const 1)))
                (br $shared)))
            (f32.store (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2)))
              (f32x4.extract_lane 0 (local.get $sum)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsLoop))))

  ;; ─────────────────────── dense products on packed panels ───────────────────────
  ;;
  ;; A tile reads 8 columns of b down all its rows, one row of b apart. Where b's rows are
  ;; long (hundreds of columns and more) those reads lie a power of two apart in memory,
  ;; fall into the same few cache sets and evict one another, and a tile streams b from
  ;; far memory again for every 4 rows of a: a 784 × 2048 layer ran at a third of the speed
  ;; of a 784 × 50 one. pack_panels copies b once per call into panels of 8 columns, each
  ;; contiguous (row after row, 32 bytes each), and the _packed products read those: in
  ;; blocks of rows whose share of a stays in L2, each panel (a few KB) is read once per
  ;; block and stays in L1 while the block's tiles pass. Every output is the same sum in
  ;; the same order as in gemm_nn and gemm_tn: the same bits.

  ;; bp = b[k, n] (n ≥ 8) in panels: panel p holds columns col .. col + 8, col = min(8p, n − 8),
  ;; as k rows of 8 floats; ceil(n / 8) · k · 32 bytes.
  (func $pack_panels (export "pack_panels") (param $b i32) (param $bp i32) (param $k i32) (param $n i32)
    (local $j i32) (local $src i32) (local $steps i32) (local $bRow i32)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $src (i32.add (local.get $b)
          (i32.shl (call $min (local.get $j) (i32.sub (local.get $n) (i32.const 8))) (i32.const 2))))
        (local.set $steps (local.get $k))
        (block $panelDone
          (loop $rows
            (br_if $panelDone (i32.le_s (local.get $steps) (i32.const 0)))
            (v128.store (local.get $bp) (v128.load (local.get $src)))
            (v128.store offset=16 (local.get $bp) (v128.load offset=16 (local.get $src)))
            (local.set $bp (i32.add (local.get $bp) (i32.const 32)))
            (local.set $src (i32.add (local.get $src) (local.get $bRow)))
            (local.set $steps (i32.sub (local.get $steps) (i32.const 1)))
            (br $rows)))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $panels))))

  ;; The address of b[kk, j] in panels of `rows` rows (pack_panels) over n columns.
  (func $packed_at (param $bp i32) (param $kk i32) (param $j i32) (param $rows i32) (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (call $min (i32.shr_u (local.get $j) (i32.const 3)) (i32.shr_u (i32.sub (local.get $n) (i32.const 1)) (i32.const 3))))
    (i32.add (local.get $bp)
      (i32.add
        (i32.shl (i32.add (i32.mul (local.get $p) (local.get $rows)) (local.get $kk)) (i32.const 5))
        (i32.shl (i32.sub (local.get $j)
          (call $min (i32.shl (local.get $p) (i32.const 3)) (i32.sub (local.get $n) (i32.const 8)))) (i32.const 2)))))

  ;; Rows (or, for gemm_tn, columns of a) per block: the block's share of a within 128 KB.
  (func $block_rows (param $k i32) (result i32)
    (local $rows i32)
    (local.set $rows (i32.and (i32.div_u (i32.const 32768) (local.get $k)) (i32.const -4)))
    (select (local.get $rows) (i32.const 4) (i32.gt_s (local.get $rows) (i32.const 4))))

  ;; gemm_nn with b in panels (pack_panels(b, bp, k, n)); n ≥ 8. Part `part` of `parts`
  ;; computes a share of the rows, as gemm_nn.
  (func $gemm_nn_packed (export "gemm_nn_packed")
    (param $a i32) (param $bp i32) (param $bias i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32) (param $relu i32) (param $part i32) (param $parts i32)
    (local $m0 i32) (local $m1 i32)
    (local.set $m0 (call $split (local.get $m) (local.get $part) (local.get $parts)))
    (local.set $m1 (call $min (local.get $m)
      (call $split (local.get $m) (i32.add (local.get $part) (i32.const 1)) (local.get $parts))))
    (if (i32.le_s (local.get $m1) (local.get $m0)) (then (return)))
    (call $gemm_nn_panels
      (i32.add (local.get $a) (i32.shl (i32.mul (local.get $m0) (local.get $k)) (i32.const 2)))
      (local.get $bp) (local.get $bias)
      (i32.add (local.get $c) (i32.shl (i32.mul (local.get $m0) (local.get $n)) (i32.const 2)))
      (i32.sub (local.get $m1) (local.get $m0)) (local.get $k) (local.get $n) (local.get $relu)))

  (func $gemm_nn_panels
    (param $a i32) (param $bp i32) (param $bias i32) (param $c i32)
    (param $m i32) (param $k i32) (param $n i32) (param $relu i32)
    (local $i i32) (local $j i32) (local $row i32) (local $col i32) (local $steps i32)
    (local $r0 i32) (local $r1 i32) (local $block i32) (local $aRow i32) (local $bRow i32) (local $panel i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $init0 v128) (local $init1 v128) (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (if (i32.or (i32.lt_s (local.get $m) (i32.const 4)) (i32.lt_s (local.get $k) (i32.const 1)))
      (then
        (call $gemm_nn_single (local.get $a) (local.get $bp) (local.get $bias) (local.get $c)
          (local.get $m) (local.get $k) (local.get $n) (local.get $relu) (i32.const 1))
        (return)))
    (local.set $aRow (i32.shl (local.get $k) (i32.const 2)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $panel (i32.shl (local.get $k) (i32.const 5)))
    (local.set $block (call $block_rows (local.get $k)))
    (local.set $r0 (i32.const 0))
    (loop $blocks
      (local.set $r1 (call $min (i32.add (local.get $r0) (local.get $block)) (local.get $m)))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (call $min (local.get $j) (i32.sub (local.get $n) (i32.const 8))))
        (if (local.get $bias)
          (then
            (local.set $init0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $col) (i32.const 2)))))
            (local.set $init1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $col) (i32.const 2))))))
          (else
            (local.set $init0 (v128.const f32x4 0 0 0 0))
            (local.set $init1 (v128.const f32x4 0 0 0 0))))
        (local.set $i (local.get $r0))
        (loop $rows
          ;; the tile's first row: i, or m − 4 for the last tile
          (local.set $row (call $min (local.get $i) (i32.sub (local.get $m) (i32.const 4))))
          (local.set $c00 (local.get $init0)) (local.set $c01 (local.get $init1))
          (local.set $c10 (local.get $init0)) (local.set $c11 (local.get $init1))
          (local.set $c20 (local.get $init0)) (local.set $c21 (local.get $init1))
          (local.set $c30 (local.get $init0)) (local.set $c31 (local.get $init1))
          (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $row) (local.get $aRow))))
          (local.set $pa1 (i32.add (local.get $pa0) (local.get $aRow)))
          (local.set $pa2 (i32.add (local.get $pa1) (local.get $aRow)))
          (local.set $pa3 (i32.add (local.get $pa2) (local.get $aRow)))
          (local.set $pb (i32.add (local.get $bp) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panel))))
          (local.set $steps (local.get $k))
          (loop $shared
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
            (local.set $s (v128.load32_splat (local.get $pa0)))
            (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
            (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
            (local.set $s (v128.load32_splat (local.get $pa1)))
            (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
            (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
            (local.set $s (v128.load32_splat (local.get $pa2)))
            (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
            (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
            (local.set $s (v128.load32_splat (local.get $pa3)))
            (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
            (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
            (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
            (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
            (local.set $pa2 (i32.add (local.get $pa2) (i32.const 4)))
            (local.set $pa3 (i32.add (local.get $pa3) (i32.const 4)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
            (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
          (call $store_tile
            (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2)))
            (local.get $bRow) (local.get $relu)
            (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
            (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31))
          (br_if $rows (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $r1))))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $blocks (i32.lt_s (local.tee $r0 (local.get $r1)) (local.get $m)))))

  ;; gemm_tn with b in panels (pack_panels(b, bp, m, n)); n ≥ 8. Part `part` of `parts`
  ;; computes a share of c's rows, as gemm_tn.
  (func $gemm_tn_packed (export "gemm_tn_packed")
    (param $a i32) (param $bp i32) (param $c i32) (param $m i32) (param $p i32) (param $n i32)
    (param $part i32) (param $parts i32)
    (local $p0 i32) (local $p1 i32)
    (local.set $p0 (call $split (local.get $p) (local.get $part) (local.get $parts)))
    (local.set $p1 (call $min (local.get $p)
      (call $split (local.get $p) (i32.add (local.get $part) (i32.const 1)) (local.get $parts))))
    (if (i32.le_s (local.get $p1) (local.get $p0)) (then (return)))
    (call $gemm_tn_panels
      (i32.add (local.get $a) (i32.shl (local.get $p0) (i32.const 2)))
      (local.get $bp)
      (i32.add (local.get $c) (i32.shl (i32.mul (local.get $p0) (local.get $n)) (i32.const 2)))
      (local.get $m) (i32.sub (local.get $p1) (local.get $p0)) (local.get $n) (i32.shl (local.get $p) (i32.const 2))))

  ;; gemm_tn_rows on panels: blocks of c's rows (a's columns, a share of a within 128 KB),
  ;; each panel (m × 8) read once per block.
  (func $gemm_tn_panels
    (param $a i32) (param $bp i32) (param $c i32) (param $m i32) (param $rows i32) (param $n i32) (param $aRow i32)
    (local $i i32) (local $j i32) (local $row i32) (local $col i32) (local $steps i32)
    (local $r0 i32) (local $r1 i32) (local $block i32) (local $bRow i32) (local $panel i32) (local $pa i32) (local $pb i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (if (i32.or (i32.lt_s (local.get $rows) (i32.const 4)) (i32.lt_s (local.get $m) (i32.const 1)))
      (then
        (call $gemm_tn_single (local.get $a) (local.get $bp) (local.get $c)
          (local.get $m) (local.get $rows) (local.get $n) (local.get $aRow) (i32.const 1))
        (return)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $panel (i32.shl (local.get $m) (i32.const 5)))
    (local.set $block (call $block_rows (local.get $m)))
    (local.set $r0 (i32.const 0))
    (loop $blocks
      (local.set $r1 (call $min (i32.add (local.get $r0) (local.get $block)) (local.get $rows)))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (call $min (local.get $j) (i32.sub (local.get $n) (i32.const 8))))
        (local.set $i (local.get $r0))
        (loop $rowsLoop
          (local.set $row (call $min (local.get $i) (i32.sub (local.get $rows) (i32.const 4))))
          (local.set $c00 (v128.const f32x4 0 0 0 0)) (local.set $c01 (v128.const f32x4 0 0 0 0))
          (local.set $c10 (v128.const f32x4 0 0 0 0)) (local.set $c11 (v128.const f32x4 0 0 0 0))
          (local.set $c20 (v128.const f32x4 0 0 0 0)) (local.set $c21 (v128.const f32x4 0 0 0 0))
          (local.set $c30 (v128.const f32x4 0 0 0 0)) (local.set $c31 (v128.const f32x4 0 0 0 0))
          (local.set $pa (i32.add (local.get $a) (i32.shl (local.get $row) (i32.const 2))))
          (local.set $pb (i32.add (local.get $bp) (i32.mul (i32.shr_u (local.get $j) (i32.const 3)) (local.get $panel))))
          (local.set $steps (local.get $m))
          (loop $shared
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
            (local.set $s (v128.load32_splat (local.get $pa)))
            (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
            (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
            (local.set $s (v128.load32_splat offset=4 (local.get $pa)))
            (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
            (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
            (local.set $s (v128.load32_splat offset=8 (local.get $pa)))
            (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
            (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
            (local.set $s (v128.load32_splat offset=12 (local.get $pa)))
            (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
            (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
            (local.set $pa (i32.add (local.get $pa) (local.get $aRow)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
            (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
          (call $store_tile
            (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2)))
            (local.get $bRow) (i32.const 0)
            (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
            (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31))
          (br_if $rowsLoop (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $r1))))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $blocks (i32.lt_s (local.tee $r0 (local.get $r1)) (local.get $rows)))))

  ;; ────────────────────────────── convolutions ──────────────────────────────

  ;; xp[b, hp, wp, c] = x[b, h, w, c] shifted by (top, left) into zeros; rows and columns of
  ;; x past hp − top or wp − left (which no window reaches) are left out. By images.
  (func $pad_nhwc (export "pad_nhwc")
    (param $x i32) (param $xp i32) (param $images i32) (param $h i32) (param $w i32) (param $c i32)
    (param $hp i32) (param $wp i32) (param $top i32) (param $left i32) (param $part i32) (param $parts i32)
    (local $b i32) (local $b1 i32) (local $yp i32) (local $y i32) (local $dst i32) (local $pixel i32)
    (local $cols i32) (local $rowBytes i32)
    (local.set $pixel (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $wp) (local.get $pixel)))
    (local.set $cols (call $min (local.get $w) (i32.sub (local.get $wp) (local.get $left))))
    (local.set $b (call $split_items (local.get $images) (local.get $part) (local.get $parts)))
    (local.set $b1 (call $split_items (local.get $images) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (local.set $dst (i32.add (local.get $xp) (i32.mul (i32.mul (local.get $b) (local.get $hp)) (local.get $rowBytes))))
    (block $done
      (loop $imagesLoop
        (br_if $done (i32.ge_s (local.get $b) (local.get $b1)))
        (local.set $yp (i32.const 0))
        (block $imageDone
          (loop $rowsLoop
            (br_if $imageDone (i32.ge_s (local.get $yp) (local.get $hp)))
            (local.set $y (i32.sub (local.get $yp) (local.get $top)))
            (if (i32.or (i32.lt_s (local.get $y) (i32.const 0)) (i32.ge_s (local.get $y) (local.get $h)))
              (then (call $zero (local.get $dst) (local.get $rowBytes)))
              (else
                (call $zero (local.get $dst) (i32.mul (local.get $left) (local.get $pixel)))
                (call $copy
                  (i32.add (local.get $dst) (i32.mul (local.get $left) (local.get $pixel)))
                  (i32.add (local.get $x) (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $y))
                    (i32.mul (local.get $w) (local.get $pixel))))
                  (i32.mul (local.get $cols) (local.get $pixel)))
                (call $zero
                  (i32.add (local.get $dst) (i32.mul (i32.add (local.get $left) (local.get $cols)) (local.get $pixel)))
                  (i32.mul (i32.sub (i32.sub (local.get $wp) (local.get $left)) (local.get $cols)) (local.get $pixel)))))
            (local.set $dst (i32.add (local.get $dst) (local.get $rowBytes)))
            (local.set $yp (i32.add (local.get $yp) (i32.const 1)))
            (br $rowsLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $imagesLoop))))

  ;; dx[b, h, w, c] = the part of dxp[b, hp, wp, c] at (top, left); rows and columns of x
  ;; that no window reached get 0. By images.
  (func $unpad_nhwc (export "unpad_nhwc")
    (param $dxp i32) (param $dx i32) (param $images i32) (param $h i32) (param $w i32) (param $c i32)
    (param $hp i32) (param $wp i32) (param $top i32) (param $left i32) (param $part i32) (param $parts i32)
    (local $b i32) (local $b1 i32) (local $y i32) (local $yp i32) (local $dst i32) (local $pixel i32)
    (local $cols i32) (local $rowBytes i32) (local $xRow i32)
    (local.set $pixel (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $wp) (local.get $pixel)))
    (local.set $xRow (i32.mul (local.get $w) (local.get $pixel)))
    (local.set $cols (call $min (local.get $w) (i32.sub (local.get $wp) (local.get $left))))
    (local.set $b (call $split_items (local.get $images) (local.get $part) (local.get $parts)))
    (local.set $b1 (call $split_items (local.get $images) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (local.set $dst (i32.add (local.get $dx) (i32.mul (i32.mul (local.get $b) (local.get $h)) (local.get $xRow))))
    (block $done
      (loop $imagesLoop
        (br_if $done (i32.ge_s (local.get $b) (local.get $b1)))
        (local.set $y (i32.const 0))
        (block $imageDone
          (loop $rowsLoop
            (br_if $imageDone (i32.ge_s (local.get $y) (local.get $h)))
            (local.set $yp (i32.add (local.get $y) (local.get $top)))
            (if (i32.ge_s (local.get $yp) (local.get $hp))
              (then (call $zero (local.get $dst) (local.get $xRow)))
              (else
                (call $copy (local.get $dst)
                  (i32.add (local.get $dxp) (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp)) (local.get $yp)) (local.get $rowBytes))
                    (i32.mul (local.get $left) (local.get $pixel))))
                  (i32.mul (local.get $cols) (local.get $pixel)))
                (call $zero (i32.add (local.get $dst) (i32.mul (local.get $cols) (local.get $pixel)))
                  (i32.mul (i32.sub (local.get $w) (local.get $cols)) (local.get $pixel)))))
            (local.set $dst (i32.add (local.get $dst) (local.get $xRow)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $rowsLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $imagesLoop))))

  ;; table[p] = where output pixel p = (b, oy, ox) starts its window in xp, in bytes from xp:
  ;; ((b·hp + oy·s)·wp + ox·s)·c·4.
  (func $conv_rows (export "conv_rows")
    (param $table i32) (param $images i32) (param $oh i32) (param $ow i32)
    (param $hp i32) (param $wp i32) (param $c i32) (param $s i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $rowStart i32) (local $step i32) (local $pixel i32)
    (local.set $pixel (i32.shl (local.get $c) (i32.const 2)))
    (local.set $step (i32.mul (local.get $s) (local.get $pixel)))
    (local.set $b (i32.const 0))
    (block $done
      (loop $imagesLoop
        (br_if $done (i32.ge_s (local.get $b) (local.get $images)))
        (local.set $oy (i32.const 0))
        (block $imageDone
          (loop $rowsLoop
            (br_if $imageDone (i32.ge_s (local.get $oy) (local.get $oh)))
            (local.set $rowStart (i32.mul
              (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp)) (i32.mul (local.get $oy) (local.get $s))) (local.get $wp))
              (local.get $pixel)))
            (local.set $ox (i32.const 0))
            (block $rowDone
              (loop $colsLoop
                (br_if $rowDone (i32.ge_s (local.get $ox) (local.get $ow)))
                (i32.store (local.get $table) (i32.add (local.get $rowStart) (i32.mul (local.get $ox) (local.get $step))))
                (local.set $table (i32.add (local.get $table) (i32.const 4)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $colsLoop)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $rowsLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $imagesLoop))))

  ;; y[p, o] = act(bias[o] + Σ_{ky < kh} Σ_{j < l} xp[table[p] + ky·rowBytes + 4j] · f[ky·l + j, o])
  ;; for m output pixels and n filters (l = kw·c; rowBytes = wp·c·4): a convolution's
  ;; forward pass, bias and relu fused. Part `part` of `parts` computes a share of the pixels.
  (func $conv_fwd (export "conv_fwd")
    (param $xp i32) (param $table i32) (param $f i32) (param $bias i32) (param $y i32)
    (param $m i32) (param $kh i32) (param $l i32) (param $rowBytes i32) (param $n i32) (param $relu i32)
    (param $part i32) (param $parts i32)
    (local $m0 i32) (local $m1 i32) (local $rows i32) (local $i i32) (local $j i32) (local $row i32) (local $col i32)
    (local $steps i32) (local $ky i32) (local $bRow i32) (local $pt i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $init0 v128) (local $init1 v128) (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $m0 (call $split (local.get $m) (local.get $part) (local.get $parts)))
    (local.set $m1 (call $min (local.get $m)
      (call $split (local.get $m) (i32.add (local.get $part) (i32.const 1)) (local.get $parts))))
    (local.set $rows (i32.sub (local.get $m1) (local.get $m0)))
    (if (i32.le_s (local.get $rows) (i32.const 0)) (then (return)))
    (if (i32.or (i32.or (i32.lt_s (local.get $rows) (i32.const 4)) (i32.lt_s (local.get $n) (i32.const 8)))
          (i32.lt_s (local.get $l) (i32.const 1)))
      (then
        (call $conv_fwd_single (local.get $xp) (local.get $table) (local.get $f) (local.get $bias) (local.get $y)
          (local.get $m0) (local.get $m1) (local.get $kh) (local.get $l) (local.get $rowBytes) (local.get $n) (local.get $relu))
        (return)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (local.get $m0))
    (loop $rowsLoop
      (local.set $row (call $min (local.get $i) (i32.sub (local.get $m1) (i32.const 4))))
      (local.set $pt (i32.add (local.get $table) (i32.shl (local.get $row) (i32.const 2))))
      (local.set $r0 (i32.add (local.get $xp) (i32.load (local.get $pt))))
      (local.set $r1 (i32.add (local.get $xp) (i32.load offset=4 (local.get $pt))))
      (local.set $r2 (i32.add (local.get $xp) (i32.load offset=8 (local.get $pt))))
      (local.set $r3 (i32.add (local.get $xp) (i32.load offset=12 (local.get $pt))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (call $min (local.get $j) (i32.sub (local.get $n) (i32.const 8))))
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
        (local.set $pb (i32.add (local.get $f) (i32.shl (local.get $col) (i32.const 2))))
        (local.set $ky (i32.const 0))
        (loop $segments
          (local.set $pa0 (i32.add (local.get $r0) (i32.mul (local.get $ky) (local.get $rowBytes))))
          (local.set $pa1 (i32.add (local.get $r1) (i32.mul (local.get $ky) (local.get $rowBytes))))
          (local.set $pa2 (i32.add (local.get $r2) (i32.mul (local.get $ky) (local.get $rowBytes))))
          (local.set $pa3 (i32.add (local.get $r3) (i32.mul (local.get $ky) (local.get $rowBytes))))
          (local.set $steps (local.get $l))
          (loop $shared
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
            (local.set $s (v128.load32_splat (local.get $pa0)))
            (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
            (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
            (local.set $s (v128.load32_splat (local.get $pa1)))
            (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
            (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
            (local.set $s (v128.load32_splat (local.get $pa2)))
            (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
            (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
            (local.set $s (v128.load32_splat (local.get $pa3)))
            (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
            (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
            (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
            (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
            (local.set $pa2 (i32.add (local.get $pa2) (i32.const 4)))
            (local.set $pa3 (i32.add (local.get $pa3) (i32.const 4)))
            (local.set $pb (i32.add (local.get $pb) (local.get $bRow)))
            (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
          (br_if $segments (i32.lt_s (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
        (call $store_tile
          (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2)))
          (local.get $bRow) (local.get $relu)
          (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
          (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $rowsLoop (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m1)))))

  ;; conv_fwd one output at a time for pixels [m0, m1), for shapes narrower than a tile.
  (func $conv_fwd_single
    (param $xp i32) (param $table i32) (param $f i32) (param $bias i32) (param $y i32)
    (param $m0 i32) (param $m1 i32) (param $kh i32) (param $l i32) (param $rowBytes i32) (param $n i32) (param $relu i32)
    (local $p i32) (local $o i32) (local $ky i32) (local $jj i32) (local $base i32) (local $pf i32) (local $sum v128)
    (local.set $p (local.get $m0))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_s (local.get $p) (local.get $m1)))
        (local.set $base (i32.add (local.get $xp) (i32.load (i32.add (local.get $table) (i32.shl (local.get $p) (i32.const 2))))))
        (local.set $o (i32.const 0))
        (block $pixelDone
          (loop $outs
            (br_if $pixelDone (i32.ge_s (local.get $o) (local.get $n)))
            (local.set $sum (if (result v128) (local.get $bias)
              (then (v128.load32_splat (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
              (else (v128.const f32x4 0 0 0 0))))
            (local.set $pf (i32.add (local.get $f) (i32.shl (local.get $o) (i32.const 2))))
            (local.set $ky (i32.const 0))
            (block $segmentsDone
              (loop $segments
                (br_if $segmentsDone (i32.ge_s (local.get $ky) (local.get $kh)))
                (local.set $jj (i32.const 0))
                (block $segmentDone
                  (loop $shared
                    (br_if $segmentDone (i32.ge_s (local.get $jj) (local.get $l)))
                    (local.set $sum (f32x4.relaxed_madd
                      (v128.load32_splat (i32.add (local.get $base)
                        (i32.add (i32.mul (local.get $ky) (local.get $rowBytes)) (i32.shl (local.get $jj) (i32.const 2)))))
                      (v128.load32_splat (local.get $pf))
                      (local.get $sum)))
                    (local.set $pf (i32.add (local.get $pf) (i32.shl (local.get $n) (i32.const 2))))
                    (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
                    (br $shared)))
                (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
                (br $segments)))
            (if (local.get $relu) (then (local.set $sum (f32x4.max (local.get $sum) (v128.const f32x4 0 0 0 0)))))
            (f32.store (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $n)) (local.get $o)) (i32.const 2)))
              (f32x4.extract_lane 0 (local.get $sum)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $outs)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixels))))

  ;; Where filter row kk = ky·l + j reads in a window: ky·rowBytes + 4j bytes from its start.
  (func $tap (param $kk i32) (param $l i32) (param $rowBytes i32) (result i32)
    (i32.add (i32.mul (i32.div_u (local.get $kk) (local.get $l)) (local.get $rowBytes))
      (i32.shl (i32.rem_u (local.get $kk) (local.get $l)) (i32.const 2))))

  ;; dw[kk, o] = Σ_p xp[table[p] + tap(kk)] · g[p, o] over m pixels: a convolution's filter
  ;; gradient, [kh·l, n]. Part `part` of `parts` computes a share of its rows.
  ;;
  ;; In blocks of `block` pixels when `scratch` is given: every tile streams the pixels'
  ;; dL/dy and window taps, and over all m pixels of a wide layer (6 MB of dL/dy at batch
  ;; 512) they stream from far memory again for every tile. Block by block they stay in
  ;; L1/L2 while all the tiles read them; a tile's 8 accumulators wait in `scratch` (128
  ;; bytes per tile: ceil(kh·l / 4) × ceil(n / 8) tiles) between blocks. Each output is
  ;; still one sum over the pixels in order, so the result is the unblocked one to the bit.
  (func $conv_dw (export "conv_dw")
    (param $xp i32) (param $table i32) (param $g i32) (param $dw i32)
    (param $m i32) (param $kh i32) (param $l i32) (param $rowBytes i32) (param $n i32)
    (param $scratch i32) (param $block i32) (param $part i32) (param $parts i32)
    (local $k i32) (local $k0 i32) (local $k1 i32) (local $i i32) (local $j i32) (local $row i32) (local $col i32)
    (local $steps i32) (local $bRow i32) (local $pt i32) (local $pg i32) (local $base i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32) (local $adjacent i32)
    (local $p0 i32) (local $p1 i32) (local $colTiles i32) (local $sp i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $k (i32.mul (local.get $kh) (local.get $l)))
    (local.set $k0 (call $dw_split (local.get $k) (local.get $part) (local.get $parts)))
    (local.set $k1 (call $dw_split (local.get $k) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (if (i32.le_s (local.get $k1) (local.get $k0)) (then (return)))
    (if (i32.or (i32.or (i32.lt_s (i32.sub (local.get $k1) (local.get $k0)) (i32.const 4)) (i32.lt_s (local.get $n) (i32.const 8)))
          (i32.lt_s (local.get $m) (i32.const 1)))
      (then
        (call $conv_dw_single (local.get $xp) (local.get $table) (local.get $g) (local.get $dw)
          (local.get $m) (local.get $k0) (local.get $k1) (local.get $l) (local.get $rowBytes) (local.get $n))
        (return)))
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (if (i32.or (i32.eqz (local.get $scratch)) (i32.lt_s (local.get $block) (i32.const 1)))
      (then (local.set $block (local.get $m))))
    (local.set $colTiles (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (local.set $p0 (i32.const 0))
    (loop $blocks
    (local.set $p1 (call $min (local.get $m) (i32.add (local.get $p0) (local.get $block))))
    (local.set $i (local.get $k0))
    (loop $rowsLoop
      (local.set $row (call $min (local.get $i) (i32.sub (local.get $k1) (i32.const 4))))
      (local.set $o0 (call $tap (local.get $row) (local.get $l) (local.get $rowBytes)))
      (local.set $o1 (call $tap (i32.add (local.get $row) (i32.const 1)) (local.get $l) (local.get $rowBytes)))
      (local.set $o2 (call $tap (i32.add (local.get $row) (i32.const 2)) (local.get $l) (local.get $rowBytes)))
      (local.set $o3 (call $tap (i32.add (local.get $row) (i32.const 3)) (local.get $l) (local.get $rowBytes)))
      ;; the 4 taps adjacent in the window (one filter row): one base and fixed offsets
      (local.set $adjacent (i32.eq (local.get $o3) (i32.add (local.get $o0) (i32.const 12))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $col (call $min (local.get $j) (i32.sub (local.get $n) (i32.const 8))))
        ;; this tile's place in scratch: by i and j, not row and col, so an edge tile moved
        ;; back over its neighbour keeps its own sums (and parts never share a place)
        (local.set $sp (i32.add (local.get $scratch)
          (i32.shl (i32.add (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (local.get $colTiles))
            (i32.shr_u (local.get $j) (i32.const 3))) (i32.const 7))))
        (if (i32.eqz (local.get $p0))
          (then
            (local.set $c00 (v128.const f32x4 0 0 0 0)) (local.set $c01 (v128.const f32x4 0 0 0 0))
            (local.set $c10 (v128.const f32x4 0 0 0 0)) (local.set $c11 (v128.const f32x4 0 0 0 0))
            (local.set $c20 (v128.const f32x4 0 0 0 0)) (local.set $c21 (v128.const f32x4 0 0 0 0))
            (local.set $c30 (v128.const f32x4 0 0 0 0)) (local.set $c31 (v128.const f32x4 0 0 0 0)))
          (else
            (local.set $c00 (v128.load (local.get $sp))) (local.set $c01 (v128.load offset=16 (local.get $sp)))
            (local.set $c10 (v128.load offset=32 (local.get $sp))) (local.set $c11 (v128.load offset=48 (local.get $sp)))
            (local.set $c20 (v128.load offset=64 (local.get $sp))) (local.set $c21 (v128.load offset=80 (local.get $sp)))
            (local.set $c30 (v128.load offset=96 (local.get $sp))) (local.set $c31 (v128.load offset=112 (local.get $sp)))))
        (local.set $pt (i32.add (local.get $table) (i32.shl (local.get $p0) (i32.const 2))))
        (local.set $pg (i32.add (local.get $g)
          (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $n)) (local.get $col)) (i32.const 2))))
        (local.set $steps (i32.sub (local.get $p1) (local.get $p0)))
        (if (local.get $adjacent)
          (then
            (local.set $o0 (i32.add (local.get $xp) (local.get $o0)))
            (loop $sharedAdjacent
              (local.set $base (i32.add (local.get $o0) (i32.load (local.get $pt))))
              (local.set $b0 (v128.load (local.get $pg)))
              (local.set $b1 (v128.load offset=16 (local.get $pg)))
              (local.set $s (v128.load32_splat (local.get $base)))
              (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
              (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
              (local.set $s (v128.load32_splat offset=4 (local.get $base)))
              (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
              (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
              (local.set $s (v128.load32_splat offset=8 (local.get $base)))
              (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
              (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
              (local.set $s (v128.load32_splat offset=12 (local.get $base)))
              (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
              (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
              (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
              (local.set $pg (i32.add (local.get $pg) (local.get $bRow)))
              (br_if $sharedAdjacent (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
            (local.set $o0 (i32.sub (local.get $o0) (local.get $xp))))
          (else
            (loop $shared
              (local.set $base (i32.add (local.get $xp) (i32.load (local.get $pt))))
              (local.set $b0 (v128.load (local.get $pg)))
              (local.set $b1 (v128.load offset=16 (local.get $pg)))
              (local.set $s (v128.load32_splat (i32.add (local.get $base) (local.get $o0))))
              (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
              (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
              (local.set $s (v128.load32_splat (i32.add (local.get $base) (local.get $o1))))
              (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
              (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
              (local.set $s (v128.load32_splat (i32.add (local.get $base) (local.get $o2))))
              (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
              (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
              (local.set $s (v128.load32_splat (i32.add (local.get $base) (local.get $o3))))
              (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
              (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
              (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
              (local.set $pg (i32.add (local.get $pg) (local.get $bRow)))
              (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))))
        (if (i32.eq (local.get $p1) (local.get $m))
          (then
            (call $store_tile
              (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2)))
              (local.get $bRow) (i32.const 0)
              (local.get $c00) (local.get $c01) (local.get $c10) (local.get $c11)
              (local.get $c20) (local.get $c21) (local.get $c30) (local.get $c31)))
          (else
            (v128.store (local.get $sp) (local.get $c00)) (v128.store offset=16 (local.get $sp) (local.get $c01))
            (v128.store offset=32 (local.get $sp) (local.get $c10)) (v128.store offset=48 (local.get $sp) (local.get $c11))
            (v128.store offset=64 (local.get $sp) (local.get $c20)) (v128.store offset=80 (local.get $sp) (local.get $c21))
            (v128.store offset=96 (local.get $sp) (local.get $c30)) (v128.store offset=112 (local.get $sp) (local.get $c31))))
        (br_if $cols (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $rowsLoop (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $k1))))
    (local.set $p0 (local.get $p1))
    (br_if $blocks (i32.lt_s (local.get $p0) (local.get $m)))))

  ;; The first filter-gradient row of part `part` of `parts` over k rows: $split's multiples
  ;; of 4, but none within 4 rows of the end, so the last part that has rows has at least a
  ;; tile's (k ≥ 4): a part of 1–3 rows would take the one-output-at-a-time loop and hold up
  ;; the call (27 rows in 6 parts left 3). Exported for the tests.
  (func $dw_split (export "dw_split") (param $k i32) (param $part i32) (param $parts i32) (result i32)
    (local $b i32) (local $last i32)
    (local.set $b (call $min (local.get $k) (call $split (local.get $k) (local.get $part) (local.get $parts))))
    (if (i32.ge_s (local.get $b) (local.get $k)) (then (return (local.get $k))))
    (local.set $last (i32.and (i32.sub (local.get $k) (i32.const 4)) (i32.const -4)))
    (if (i32.lt_s (local.get $last) (i32.const 0)) (then (local.set $last (i32.const 0))))
    (call $min (local.get $b) (local.get $last)))

  ;; partials[b, kh·l, n] = conv_dw over the pixels of block b, [b·pixels, min(m, (b + 1)·pixels)),
  ;; each block's sums in pixel order; col_sums over the blocks then gives dw. A filter
  ;; gradient of few tiles splits over the threads by blocks of pixels instead of by tiles
  ;; (a 3×3 filter over one channel has 3 tiles: 2 parts at best, 2:1), and each part reads
  ;; only its blocks' dL/dy and windows. The blocks depend on the shape alone, so the bits are
  ;; the same on any number of parts. By blocks.
  (func $conv_dw_pixels (export "conv_dw_pixels")
    (param $xp i32) (param $table i32) (param $g i32) (param $partials i32)
    (param $m i32) (param $kh i32) (param $l i32) (param $rowBytes i32) (param $n i32) (param $pixels i32)
    (param $part i32) (param $parts i32)
    (local $b i32) (local $b1 i32) (local $p0 i32) (local $blockBytes i32)
    (if (i32.lt_s (local.get $pixels) (i32.const 1)) (then (return)))
    (local.set $blockBytes (i32.shl (i32.mul (i32.mul (local.get $kh) (local.get $l)) (local.get $n)) (i32.const 2)))
    (local.set $b1 (i32.div_u (i32.sub (i32.add (local.get $m) (local.get $pixels)) (i32.const 1)) (local.get $pixels)))
    (local.set $b (call $split_items (local.get $b1) (local.get $part) (local.get $parts)))
    (local.set $b1 (call $split_items (local.get $b1) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_s (local.get $b) (local.get $b1)))
        (local.set $p0 (i32.mul (local.get $b) (local.get $pixels)))
        (call $conv_dw (local.get $xp)
          (i32.add (local.get $table) (i32.shl (local.get $p0) (i32.const 2)))
          (i32.add (local.get $g) (i32.shl (i32.mul (local.get $p0) (local.get $n)) (i32.const 2)))
          (i32.add (local.get $partials) (i32.mul (local.get $b) (local.get $blockBytes)))
          (call $min (local.get $pixels) (i32.sub (local.get $m) (local.get $p0)))
          (local.get $kh) (local.get $l) (local.get $rowBytes) (local.get $n)
          (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocks))))

  ;; conv_dw one output at a time for filter rows [k0, k1), for shapes narrower than a tile.
  (func $conv_dw_single
    (param $xp i32) (param $table i32) (param $g i32) (param $dw i32)
    (param $m i32) (param $k0 i32) (param $k1 i32) (param $l i32) (param $rowBytes i32) (param $n i32)
    (local $kk i32) (local $o i32) (local $p i32) (local $off i32) (local $sum v128)
    (local.set $kk (local.get $k0))
    (block $done
      (loop $rowsLoop
        (br_if $done (i32.ge_s (local.get $kk) (local.get $k1)))
        (local.set $off (i32.add (local.get $xp) (call $tap (local.get $kk) (local.get $l) (local.get $rowBytes))))
        (local.set $o (i32.const 0))
        (block $rowDone
          (loop $outs
            (br_if $rowDone (i32.ge_s (local.get $o) (local.get $n)))
            (local.set $sum (v128.const f32x4 0 0 0 0))
            (local.set $p (i32.const 0))
            (block $sumDone
              (loop $shared
                (br_if $sumDone (i32.ge_s (local.get $p) (local.get $m)))
                (local.set $sum (f32x4.relaxed_madd
                  (v128.load32_splat (i32.add (local.get $off)
                    (i32.load (i32.add (local.get $table) (i32.shl (local.get $p) (i32.const 2))))))
                  (v128.load32_splat (i32.add (local.get $g)
                    (i32.shl (i32.add (i32.mul (local.get $p) (local.get $n)) (local.get $o)) (i32.const 2))))
                  (local.get $sum)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $shared)))
            (f32.store (i32.add (local.get $dw) (i32.shl (i32.add (i32.mul (local.get $kk) (local.get $n)) (local.get $o)) (i32.const 2)))
              (f32x4.extract_lane 0 (local.get $sum)))
            (local.set $o (i32.add (local.get $o) (i32.const 1)))
            (br $outs)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $rowsLoop))))

  ;; dxp[table[p] + tap(kk)] += Σ_o g[p, o] · wt[o, kk] for the pixels of `images` images
  ;; (imageRows each), with dxp zeroed first (`imageBytes` per image): a convolution's input
  ;; gradient, into the padded layout. Needs l a multiple of 8 (8 adjacent kk stay in one
  ;; filter row, and a tile's tap offset steps along with no division); other shapes go
  ;; through gemm_nn and col2im. By images: windows of
  ;; different images never overlap, so parts never write the same floats.
  (func $conv_dx (export "conv_dx")
    (param $g i32) (param $wt i32) (param $dxp i32) (param $table i32)
    (param $images i32) (param $imageRows i32) (param $imageBytes i32)
    (param $kh i32) (param $l i32) (param $rowBytes i32) (param $n i32) (param $part i32) (param $parts i32)
    (local $b0i i32) (local $b1i i32) (local $p i32) (local $p1 i32) (local $k i32) (local $kk i32) (local $steps i32)
    (local $kRow i32) (local $gRow i32) (local $off i32) (local $pt i32) (local $tapOff i32) (local $seg i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32) (local $dst i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $b0i (call $split_items (local.get $images) (local.get $part) (local.get $parts)))
    (local.set $b1i (call $split_items (local.get $images) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (if (i32.le_s (local.get $b1i) (local.get $b0i)) (then (return)))
    (memory.fill (i32.add (local.get $dxp) (i32.mul (local.get $b0i) (local.get $imageBytes))) (i32.const 0)
      (i32.mul (i32.sub (local.get $b1i) (local.get $b0i)) (local.get $imageBytes)))
    (local.set $k (i32.mul (local.get $kh) (local.get $l)))
    (local.set $kRow (i32.shl (local.get $k) (i32.const 2)))
    (local.set $gRow (i32.shl (local.get $n) (i32.const 2)))
    ;; Image by image, in tiles of 4 pixels from the image's first: the windows overlap, and
    ;; the order their sums are added in must not depend on where a part starts.
    (block $imagesDone
      (loop $imagesLoop
        (br_if $imagesDone (i32.ge_s (local.get $b0i) (local.get $b1i)))
        (local.set $p (i32.mul (local.get $b0i) (local.get $imageRows)))
        (local.set $p1 (i32.add (local.get $p) (local.get $imageRows)))
        (block $tilesDone
          (loop $tiles
            (br_if $tilesDone (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $p1)))
            (local.set $pt (i32.add (local.get $table) (i32.shl (local.get $p) (i32.const 2))))
            (local.set $kk (i32.const 0)) (local.set $tapOff (i32.const 0)) (local.set $seg (i32.const 0))
            (loop $cols
              (local.set $c00 (v128.const f32x4 0 0 0 0)) (local.set $c01 (v128.const f32x4 0 0 0 0))
              (local.set $c10 (v128.const f32x4 0 0 0 0)) (local.set $c11 (v128.const f32x4 0 0 0 0))
              (local.set $c20 (v128.const f32x4 0 0 0 0)) (local.set $c21 (v128.const f32x4 0 0 0 0))
              (local.set $c30 (v128.const f32x4 0 0 0 0)) (local.set $c31 (v128.const f32x4 0 0 0 0))
              (local.set $pa0 (i32.add (local.get $g) (i32.mul (local.get $p) (local.get $gRow))))
              (local.set $pa1 (i32.add (local.get $pa0) (local.get $gRow)))
              (local.set $pa2 (i32.add (local.get $pa1) (local.get $gRow)))
              (local.set $pa3 (i32.add (local.get $pa2) (local.get $gRow)))
              (local.set $pb (i32.add (local.get $wt) (i32.shl (local.get $kk) (i32.const 2))))
              (local.set $steps (local.get $n))
              (loop $shared
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $s (v128.load32_splat (local.get $pa0)))
                (local.set $c00 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c00)))
                (local.set $c01 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c01)))
                (local.set $s (v128.load32_splat (local.get $pa1)))
                (local.set $c10 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c10)))
                (local.set $c11 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c11)))
                (local.set $s (v128.load32_splat (local.get $pa2)))
                (local.set $c20 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c20)))
                (local.set $c21 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c21)))
                (local.set $s (v128.load32_splat (local.get $pa3)))
                (local.set $c30 (f32x4.relaxed_madd (local.get $s) (local.get $b0) (local.get $c30)))
                (local.set $c31 (f32x4.relaxed_madd (local.get $s) (local.get $b1) (local.get $c31)))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pa1 (i32.add (local.get $pa1) (i32.const 4)))
                (local.set $pa2 (i32.add (local.get $pa2) (i32.const 4)))
                (local.set $pa3 (i32.add (local.get $pa3) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $kRow)))
                (br_if $shared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
              (local.set $off (i32.add (local.get $dxp) (local.get $tapOff)))
              (local.set $dst (i32.add (local.get $off) (i32.load (local.get $pt))))
              (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $c00)))
              (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $c01)))
              (local.set $dst (i32.add (local.get $off) (i32.load offset=4 (local.get $pt))))
              (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $c10)))
              (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $c11)))
              (local.set $dst (i32.add (local.get $off) (i32.load offset=8 (local.get $pt))))
              (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $c20)))
              (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $c21)))
              (local.set $dst (i32.add (local.get $off) (i32.load offset=12 (local.get $pt))))
              (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $c30)))
              (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $c31)))
              (local.set $tapOff (i32.add (local.get $tapOff) (i32.const 32)))
              (if (i32.eq (local.tee $seg (i32.add (local.get $seg) (i32.const 8))) (local.get $l))
                (then
                  (local.set $seg (i32.const 0))
                  (local.set $tapOff (i32.add (local.get $tapOff) (i32.sub (local.get $rowBytes) (i32.shl (local.get $l) (i32.const 2)))))))
              (br_if $cols (i32.lt_s (local.tee $kk (i32.add (local.get $kk) (i32.const 8))) (local.get $k))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $tiles)))
        ;; the last pixels, one at a time
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_s (local.get $p) (local.get $p1)))
            (local.set $kk (i32.const 0)) (local.set $tapOff (i32.const 0)) (local.set $seg (i32.const 0))
            (loop $restCols
              (local.set $c00 (v128.const f32x4 0 0 0 0)) (local.set $c01 (v128.const f32x4 0 0 0 0))
              (local.set $pa0 (i32.add (local.get $g) (i32.mul (local.get $p) (local.get $gRow))))
              (local.set $pb (i32.add (local.get $wt) (i32.shl (local.get $kk) (i32.const 2))))
              (local.set $steps (local.get $n))
              (loop $restShared
                (local.set $s (v128.load32_splat (local.get $pa0)))
                (local.set $c00 (f32x4.relaxed_madd (local.get $s) (v128.load (local.get $pb)) (local.get $c00)))
                (local.set $c01 (f32x4.relaxed_madd (local.get $s) (v128.load offset=16 (local.get $pb)) (local.get $c01)))
                (local.set $pa0 (i32.add (local.get $pa0) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $kRow)))
                (br_if $restShared (local.tee $steps (i32.sub (local.get $steps) (i32.const 1)))))
              (local.set $dst (i32.add (i32.add (local.get $dxp) (local.get $tapOff))
                (i32.load (i32.add (local.get $table) (i32.shl (local.get $p) (i32.const 2))))))
              (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (local.get $c00)))
              (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (local.get $c01)))
              (local.set $tapOff (i32.add (local.get $tapOff) (i32.const 32)))
              (if (i32.eq (local.tee $seg (i32.add (local.get $seg) (i32.const 8))) (local.get $l))
                (then
                  (local.set $seg (i32.const 0))
                  (local.set $tapOff (i32.add (local.get $tapOff) (i32.sub (local.get $rowBytes) (i32.shl (local.get $l) (i32.const 2)))))))
              (br_if $restCols (i32.lt_s (local.tee $kk (i32.add (local.get $kk) (i32.const 8))) (local.get $k))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $rest)))
        (local.set $b0i (i32.add (local.get $b0i) (i32.const 1)))
        (br $imagesLoop))))

  ;; dxp[table[p] + tap(kk)] += cols[p, kk] for the pixels of `images` images, dxp zeroed
  ;; first: the scatter half of an input gradient whose products gemm_nn computed into cols
  ;; [m, kh·l] (for l not a multiple of 8). By images.
  (func $col2im (export "col2im")
    (param $cols i32) (param $dxp i32) (param $table i32)
    (param $images i32) (param $imageRows i32) (param $imageBytes i32)
    (param $kh i32) (param $l i32) (param $rowBytes i32) (param $part i32) (param $parts i32)
    (local $b0i i32) (local $b1i i32) (local $p i32) (local $p1 i32) (local $ky i32) (local $jj i32)
    (local $src i32) (local $dst i32) (local $vecEnd i32)
    (local.set $b0i (call $split_items (local.get $images) (local.get $part) (local.get $parts)))
    (local.set $b1i (call $split_items (local.get $images) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (if (i32.le_s (local.get $b1i) (local.get $b0i)) (then (return)))
    (memory.fill (i32.add (local.get $dxp) (i32.mul (local.get $b0i) (local.get $imageBytes))) (i32.const 0)
      (i32.mul (i32.sub (local.get $b1i) (local.get $b0i)) (local.get $imageBytes)))
    (local.set $vecEnd (i32.and (local.get $l) (i32.const -4)))
    (local.set $p (i32.mul (local.get $b0i) (local.get $imageRows)))
    (local.set $p1 (i32.mul (local.get $b1i) (local.get $imageRows)))
    (local.set $src (i32.add (local.get $cols) (i32.shl (i32.mul (local.get $p) (i32.mul (local.get $kh) (local.get $l))) (i32.const 2))))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_s (local.get $p) (local.get $p1)))
        (local.set $ky (i32.const 0))
        (loop $segments
          (local.set $dst (i32.add (i32.add (local.get $dxp) (i32.load (i32.add (local.get $table) (i32.shl (local.get $p) (i32.const 2)))))
            (i32.mul (local.get $ky) (local.get $rowBytes))))
          (local.set $jj (i32.const 0))
          (block $vectorsDone
            (loop $vectors
              (br_if $vectorsDone (i32.ge_s (local.get $jj) (local.get $vecEnd)))
              (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
              (local.set $src (i32.add (local.get $src) (i32.const 16)))
              (local.set $jj (i32.add (local.get $jj) (i32.const 4)))
              (br $vectors)))
          (block $restDone
            (loop $rest
              (br_if $restDone (i32.ge_s (local.get $jj) (local.get $l)))
              (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
              (local.set $src (i32.add (local.get $src) (i32.const 4)))
              (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
              (br $rest)))
          (br_if $segments (i32.lt_s (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixels))))

  ;; ─────────────────────────────── elementwise ───────────────────────────────

  ;; relu's backward pass and the bias gradient in one pass: out[m, n] = dy where relu's
  ;; output y > 0, else y · 0 (0 at 0, as PyTorch; NaN in y stays NaN, as dy · step(y)), and
  ;; sums[n] = out's column sums, rows added in order (as col_sums) — out is not read again. Columns go 8 at a time (two accumulators held
  ;; while the rows stream by), then 4, then one.
  (func $relu_grad_sums (export "relu_grad_sums")
    (param $dy i32) (param $y i32) (param $out i32) (param $sums i32) (param $m i32) (param $n i32)
    (local $j i32) (local $i i32) (local $off i32) (local $rowBytes i32)
    (local $y0 v128) (local $y1 v128) (local $g0 v128) (local $g1 v128) (local $acc0 v128) (local $acc1 v128)
    (local $yf f32) (local $gf f32) (local $sum f32)
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $eightsDone
      (loop $eights
        (br_if $eightsDone (i32.gt_s (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $y0 (v128.load (i32.add (local.get $y) (local.get $off))))
            (local.set $y1 (v128.load offset=16 (i32.add (local.get $y) (local.get $off))))
            (local.set $g0 (v128.bitselect
              (v128.load (i32.add (local.get $dy) (local.get $off)))
              (f32x4.mul (local.get $y0) (v128.const f32x4 0 0 0 0))
              (f32x4.gt (local.get $y0) (v128.const f32x4 0 0 0 0))))
            (local.set $g1 (v128.bitselect
              (v128.load offset=16 (i32.add (local.get $dy) (local.get $off)))
              (f32x4.mul (local.get $y1) (v128.const f32x4 0 0 0 0))
              (f32x4.gt (local.get $y1) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $out) (local.get $off)) (local.get $g0))
            (v128.store offset=16 (i32.add (local.get $out) (local.get $off)) (local.get $g1))
            (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $g0)))
            (local.set $acc1 (f32x4.add (local.get $acc1) (local.get $g1)))
            (local.set $off (i32.add (local.get $off) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (v128.store (i32.add (local.get $sums) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc0))
        (v128.store offset=16 (i32.add (local.get $sums) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc1))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $eights)))
    (block $foursDone
      (loop $fours
        (br_if $foursDone (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $y0 (v128.load (i32.add (local.get $y) (local.get $off))))
            (local.set $g0 (v128.bitselect
              (v128.load (i32.add (local.get $dy) (local.get $off)))
              (f32x4.mul (local.get $y0) (v128.const f32x4 0 0 0 0))
              (f32x4.gt (local.get $y0) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $out) (local.get $off)) (local.get $g0))
            (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $g0)))
            (local.set $off (i32.add (local.get $off) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (v128.store (i32.add (local.get $sums) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc0))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $fours)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $sum (f32.const 0))
        (local.set $off (i32.shl (local.get $j) (i32.const 2)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
            (local.set $yf (f32.load (i32.add (local.get $y) (local.get $off))))
            (local.set $gf (select
              (f32.load (i32.add (local.get $dy) (local.get $off)))
              (f32.mul (local.get $yf) (f32.const 0))
              (f32.gt (local.get $yf) (f32.const 0))))
            (f32.store (i32.add (local.get $out) (local.get $off)) (local.get $gf))
            (local.set $sum (f32.add (local.get $sum) (local.get $gf)))
            (local.set $off (i32.add (local.get $off) (local.get $rowBytes)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (f32.store (i32.add (local.get $sums) (i32.shl (local.get $j) (i32.const 2))) (local.get $sum))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rest))))

  ;; relu_grad_sums over blocks of `block` rows, block by block (by blocks, for threads):
  ;; block b's column sums go to partials[b, n], which col_sums then adds in block order. The
  ;; blocks depend on m alone, so the sums are the same on any number of threads.
  (func $relu_grad_blocks (export "relu_grad_blocks")
    (param $dy i32) (param $y i32) (param $out i32) (param $partials i32) (param $m i32) (param $n i32)
    (param $block i32) (param $part i32) (param $parts i32)
    (local $blocks i32) (local $b i32) (local $b1 i32) (local $r0 i32) (local $off i32)
    (local.set $blocks (i32.div_u (i32.add (local.get $m) (i32.sub (local.get $block) (i32.const 1))) (local.get $block)))
    (local.set $b (call $split_items (local.get $blocks) (local.get $part) (local.get $parts)))
    (local.set $b1 (call $split_items (local.get $blocks) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (block $done
      (loop $blocksLoop
        (br_if $done (i32.ge_s (local.get $b) (local.get $b1)))
        (local.set $r0 (i32.mul (local.get $b) (local.get $block)))
        (local.set $off (i32.shl (i32.mul (local.get $r0) (local.get $n)) (i32.const 2)))
        (call $relu_grad_sums
          (i32.add (local.get $dy) (local.get $off))
          (i32.add (local.get $y) (local.get $off))
          (i32.add (local.get $out) (local.get $off))
          (i32.add (local.get $partials) (i32.shl (i32.mul (local.get $b) (local.get $n)) (i32.const 2)))
          (call $min (local.get $block) (i32.sub (local.get $m) (local.get $r0)))
          (local.get $n))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $blocksLoop))))

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
  ;; rounded to float32 in the order the optimizer's ops apply them (no fused multiply-add),
  ;; so the result is the same to the bit; over `len` floats.
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

  ;; A batch of byte pixels as normalized floats: dst[i] = src[i] · scale + offset, the
  ;; multiply and the add each rounded to float32 (no fused multiply-add), so it is the same
  ;; to the bit as normalize.ts's lookup table. The scales and offsets repeat with the pixels'
  ;; channels: `pattern` holds `period` scales then `period` offsets, period = lcm(4, channels)
  ;; floats, and element i takes entry i mod period; over `len` bytes.
  (func $bytes_to_floats (export "bytes_to_floats")
    (param $src i32) (param $dst i32) (param $len i32) (param $pattern i32) (param $period i32)
    (local $i i32) (local $end i32) (local $end16 i32) (local $k i32) (local $kEnd i32) (local $at i32)
    (local $scale v128) (local $offset v128) (local $bytes v128) (local $half v128)
    (local.set $end (i32.and (local.get $len) (i32.const -4)))
    (local.set $kEnd (i32.shl (local.get $period) (i32.const 2)))
    (local.set $i (i32.const 0))
    (local.set $k (i32.const 0))
    ;; One scale for every lane (1, 2 or 4 channels): 16 bytes a turn.
    (if (i32.eq (local.get $period) (i32.const 4))
      (then
        (local.set $scale (v128.load (local.get $pattern)))
        (local.set $offset (v128.load (i32.add (local.get $pattern) (i32.const 16))))
        (local.set $end16 (i32.and (local.get $len) (i32.const -16)))
        (block $wideDone
          (loop $wide
            (br_if $wideDone (i32.ge_u (local.get $i) (local.get $end16)))
            (local.set $bytes (v128.load (i32.add (local.get $src) (local.get $i))))
            (local.set $half (i16x8.extend_low_i8x16_u (local.get $bytes)))
            (local.set $at (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))))
            (v128.store offset=0 (local.get $at) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_u
              (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $scale)) (local.get $offset)))
            (v128.store offset=16 (local.get $at) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_u
              (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $scale)) (local.get $offset)))
            (local.set $half (i16x8.extend_high_i8x16_u (local.get $bytes)))
            (v128.store offset=32 (local.get $at) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_u
              (i32x4.extend_low_i16x8_u (local.get $half))) (local.get $scale)) (local.get $offset)))
            (v128.store offset=48 (local.get $at) (f32x4.add (f32x4.mul (f32x4.convert_i32x4_u
              (i32x4.extend_high_i16x8_u (local.get $half))) (local.get $scale)) (local.get $offset)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $wide)))))
    (block $vectorsDone
      (loop $vectors
        (br_if $vectorsDone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32x4.add
            (f32x4.mul
              (f32x4.convert_i32x4_u (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                (v128.load32_zero (i32.add (local.get $src) (local.get $i))))))
              (v128.load (i32.add (local.get $pattern) (local.get $k))))
            (v128.load (i32.add (local.get $pattern) (i32.add (local.get $kEnd) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (if (i32.ge_u (local.get $k) (local.get $kEnd)) (then (local.set $k (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vectors)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $at (i32.add (local.get $pattern)
          (i32.shl (i32.rem_u (local.get $i) (local.get $period)) (i32.const 2))))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32.add
            (f32.mul (f32.convert_i32_u (i32.load8_u (i32.add (local.get $src) (local.get $i))))
              (f32.load (local.get $at)))
            (f32.load (i32.add (local.get $at) (local.get $kEnd)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest))))

  ;; One byte of every 64 (a cache line) of `bytes` at `p`, xor-ed: a row's lines asked for
  ;; ahead of its use. The loads do not hold up the work between them (nothing waits for
  ;; their value but the xor), so they stand in for the prefetch that wasm lacks.
  (func $touch (param $p i32) (param $bytes i32) (result i32)
    (local $end i32) (local $acc i32)
    (local.set $end (i32.add (local.get $p) (local.get $bytes)))
    (block $done
      (loop $lines
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $acc (i32.xor (local.get $acc) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $lines)))
    (local.get $acc))

  ;; Where touch's results go, so that their loads are kept.
  (global $touchedSum (mut i32) (i32.const 0))

  ;; Where row b of a gathered batch comes from: sample rows[b] of the set at `base`.
  (func $sample_at (param $base i32) (param $rows i32) (param $b i32) (param $sampleSize i32) (result i32)
    (i32.add (local.get $base)
      (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $b) (i32.const 2)))) (local.get $sampleSize))))

  ;; A shuffled batch gathered from an image set's bytes that live in this heap: for each
  ;; row b of this part's share of `count`, the sample rows[b] (int32 indices at `rows`) of
  ;; `base` (`sampleSize` bytes each) through bytes_to_floats into dst + b · sampleSize · 4.
  ;; The pattern starts again at every row, which gives each byte its channel's entry as
  ;; one pass over the rows laid end to end would: a row holds whole pixels.
  ;; Every row is touched first: random rows of a set larger than the caches come from far
  ;; memory, and a row converts in ~0.2 µs, less than one such read; asked for together,
  ;; the reads overlap. Measured, 64 rows of 784 bytes after a training step: 32 µs read in
  ;; turn, 23–24 µs with 3–15 rows asked for ahead, 17 µs with all of them (13 µs in order).
  (func $gather_bytes_to_floats (export "gather_bytes_to_floats")
    (param $base i32) (param $rows i32) (param $count i32) (param $sampleSize i32) (param $dst i32)
    (param $pattern i32) (param $period i32) (param $part i32) (param $parts i32)
    (local $first i32) (local $b i32) (local $end i32) (local $acc i32)
    (local.set $first (call $split_items (local.get $count) (local.get $part) (local.get $parts)))
    (local.set $end (call $split_items (local.get $count) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (local.set $b (local.get $first))
    (block $touched
      (loop $touch
        (br_if $touched (i32.ge_u (local.get $b) (local.get $end)))
        (local.set $acc (i32.xor (local.get $acc) (call $touch
          (call $sample_at (local.get $base) (local.get $rows) (local.get $b) (local.get $sampleSize))
          (local.get $sampleSize))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $touch)))
    (global.set $touchedSum (i32.xor (global.get $touchedSum) (local.get $acc)))
    (local.set $b (local.get $first))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $b) (local.get $end)))
        (call $bytes_to_floats
          (call $sample_at (local.get $base) (local.get $rows) (local.get $b) (local.get $sampleSize))
          (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $b) (local.get $sampleSize)) (i32.const 2)))
          (local.get $sampleSize) (local.get $pattern) (local.get $period))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $each))))

  ;; ─────────────────────── inputs on a background (sparse rows) ───────────────────────
  ;; An image batch is mostly its background: a digit's black pixels are ~80 % of it, and
  ;; normalized they are all one value per channel. Where x[m, k] differs from bg[k] is a
  ;; sparse set of entries, and a product with x is a product with those entries plus one
  ;; with the background row: x · W = 1 · (bg · W) + (x − bg) · W.

  ;; The entries of x[m, k] that differ from bg[k] (NaN does), row by row: row i's are
  ;; ptr[i] .. ptr[i + 1] of idx (their columns, ascending) and val (x − bg). idx and val
  ;; have room for m · k + 1 entries (each lane is written, then kept or overwritten).
  ;; Returns how many there are.
  (func $sparse_scan (export "sparse_scan")
    (param $x i32) (param $bg i32) (param $m i32) (param $k i32)
    (param $ptr i32) (param $idx i32) (param $val i32) (result i32)
    (local $i i32) (local $j i32) (local $e i32) (local $px i32) (local $k4 i32)
    (local $v v128) (local $d v128) (local $bits i32) (local $xs f32)
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (local.set $px (local.get $x))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $m)))
        (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2))) (local.get $e))
        (local.set $j (i32.const 0))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.ge_s (local.get $j) (local.get $k4)))
            (local.set $v (v128.load (i32.add (local.get $px) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $d (v128.load (i32.add (local.get $bg) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $bits (i32x4.bitmask (f32x4.ne (local.get $v) (local.get $d))))
            (if (local.get $bits)
              (then
                (local.set $d (f32x4.sub (local.get $v) (local.get $d)))
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))) (local.get $j))
                (f32.store (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2))) (f32x4.extract_lane 0 (local.get $d)))
                (local.set $e (i32.add (local.get $e) (i32.and (local.get $bits) (i32.const 1))))
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))) (i32.add (local.get $j) (i32.const 1)))
                (f32.store (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2))) (f32x4.extract_lane 1 (local.get $d)))
                (local.set $e (i32.add (local.get $e) (i32.and (i32.shr_u (local.get $bits) (i32.const 1)) (i32.const 1))))
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))) (i32.add (local.get $j) (i32.const 2)))
                (f32.store (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2))) (f32x4.extract_lane 2 (local.get $d)))
                (local.set $e (i32.add (local.get $e) (i32.and (i32.shr_u (local.get $bits) (i32.const 2)) (i32.const 1))))
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))) (i32.add (local.get $j) (i32.const 3)))
                (f32.store (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2))) (f32x4.extract_lane 3 (local.get $d)))
                (local.set $e (i32.add (local.get $e) (i32.shr_u (local.get $bits) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $vectors)))
        (block $restDone
          (loop $rest
            (br_if $restDone (i32.ge_s (local.get $j) (local.get $k)))
            (local.set $xs (f32.load (i32.add (local.get $px) (i32.shl (local.get $j) (i32.const 2)))))
            (if (f32.ne (local.get $xs) (f32.load (i32.add (local.get $bg) (i32.shl (local.get $j) (i32.const 2)))))
              (then
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2))) (local.get $j))
                (f32.store (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))
                  (f32.sub (local.get $xs) (f32.load (i32.add (local.get $bg) (i32.shl (local.get $j) (i32.const 2))))))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $rest)))
        (local.set $px (i32.add (local.get $px) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $m) (i32.const 2))) (local.get $e))
    (local.get $e))

  ;; sparse_scan's rows turned into columns: column c's entries are cptr[c] .. cptr[c + 1]
  ;; of ridx (their rows, ascending) and cval. cptr has room for k + 1.
  (func $sparse_transpose (export "sparse_transpose")
    (param $ptr i32) (param $idx i32) (param $val i32) (param $m i32) (param $k i32)
    (param $cptr i32) (param $ridx i32) (param $cval i32)
    (local $e i32) (local $end i32) (local $i i32) (local $c i32) (local $at i32) (local $run i32) (local $count i32)
    (call $zero (local.get $cptr) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))
    (local.set $end (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $m) (i32.const 2)))))
    ;; counts, then where each column starts
    (block $countDone
      (loop $counts
        (br_if $countDone (i32.ge_s (local.get $e) (local.get $end)))
        (local.set $at (i32.add (local.get $cptr)
          (i32.shl (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $counts)))
    (block $startsDone
      (loop $starts
        (br_if $startsDone (i32.ge_s (local.get $c) (local.get $k)))
        (local.set $at (i32.add (local.get $cptr) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $count (i32.load (local.get $at)))
        (i32.store (local.get $at) (local.get $run))
        (local.set $run (i32.add (local.get $run) (local.get $count)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $starts)))
    ;; each entry to its column's next place (cptr[c] then ends as column c + 1's start)
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $e (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $ptr) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2)))))
        (block $rowDone
          (loop $entries
            (br_if $rowDone (i32.ge_s (local.get $e) (local.get $end)))
            (local.set $at (i32.add (local.get $cptr)
              (i32.shl (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 2))))
            (local.set $c (i32.load (local.get $at)))
            (i32.store (i32.add (local.get $ridx) (i32.shl (local.get $c) (i32.const 2))) (local.get $i))
            (f32.store (i32.add (local.get $cval) (i32.shl (local.get $c) (i32.const 2)))
              (f32.load (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
            (i32.store (local.get $at) (i32.add (local.get $c) (i32.const 1)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $entries)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    ;; cptr[c] holds column c's end: shift every start up by one
    (local.set $c (local.get $k))
    (block $shiftDone
      (loop $shift
        (br_if $shiftDone (i32.le_s (local.get $c) (i32.const 0)))
        (i32.store (i32.add (local.get $cptr) (i32.shl (local.get $c) (i32.const 2)))
          (i32.load (i32.add (local.get $cptr) (i32.shl (i32.sub (local.get $c) (i32.const 1)) (i32.const 2)))))
        (local.set $c (i32.sub (local.get $c) (i32.const 1)))
        (br $shift)))
    (i32.store (local.get $cptr) (i32.const 0)))

  ;; c[r, n] = act(s_r · init[n] + Σ_e val[e] · b[idx[e], :]) over row r's entries
  ;; ptr[r] .. ptr[r + 1] (sparse_scan's or sparse_transpose's), in order; s_r = scale[r]
  ;; (scale 0: 1), init 0: zeros; n ≥ 4. A row's columns go in the fewest passes of at
  ;; most 8 vectors (32 floats; more would not stay in registers), each pass q vectors, the
  ;; last moved back to end at the edge (it recomputes a few outputs with the same result):
  ;; 50 columns are 2 passes of 7 vectors. Each pass streams the row's entries once; q
  ;; independent sums hide the multiply-add's latency. Part `part` of `parts` computes a
  ;; share of the rows.
  (func $sparse_mm (export "sparse_mm")
    (param $ptr i32) (param $idx i32) (param $val i32) (param $b i32) (param $init i32) (param $scale i32)
    (param $c i32) (param $rows i32) (param $n i32) (param $relu i32) (param $part i32) (param $parts i32)
    (local $r i32) (local $r1 i32) (local $e0 i32) (local $e1 i32) (local $s f32) (local $pc i32)
    (local $vectors i32) (local $qmax i32) (local $passes i32) (local $q i32) (local $p i32)
    (local.set $r (call $split_items (local.get $rows) (local.get $part) (local.get $parts)))
    (local.set $r1 (call $split_items (local.get $rows) (i32.add (local.get $part) (i32.const 1)) (local.get $parts)))
    (local.set $vectors (i32.shr_u (i32.add (local.get $n) (i32.const 3)) (i32.const 2)))
    (local.set $qmax (call $min (i32.const 8) (i32.shr_u (local.get $n) (i32.const 2))))
    (local.set $passes (i32.div_u (i32.add (local.get $vectors) (i32.sub (local.get $qmax) (i32.const 1))) (local.get $qmax)))
    (local.set $q (call $min (local.get $qmax)
      (i32.div_u (i32.add (local.get $vectors) (i32.sub (local.get $passes) (i32.const 1))) (local.get $passes))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $r) (local.get $r1)))
        (local.set $e0 (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $e1 (i32.load (i32.add (local.get $ptr) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
        (local.set $s (if (result f32) (local.get $scale)
          (then (f32.load (i32.add (local.get $scale) (i32.shl (local.get $r) (i32.const 2)))))
          (else (f32.const 1))))
        (local.set $pc (i32.add (local.get $c) (i32.shl (i32.mul (local.get $r) (local.get $n)) (i32.const 2))))
        (local.set $p (i32.const 0))
        (loop $pass
          (call $sparse_cols (local.get $q) (local.get $e0) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b)
            (local.get $init) (local.get $s) (local.get $pc)
            (call $min (i32.mul (local.get $p) (i32.shl (local.get $q) (i32.const 2)))
              (i32.sub (local.get $n) (i32.shl (local.get $q) (i32.const 2))))
            (local.get $n) (local.get $relu))
          (br_if $pass (i32.lt_s (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $passes))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each))))

  ;; sparse_mm's pass of q (1 .. 8) vectors over columns col .. col + 4q of one row.
  (func $sparse_cols (param $q i32)
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (block $q8 (block $q7 (block $q6 (block $q5 (block $q4 (block $q3 (block $q2 (block $q1 (br_table $q1 $q2 $q3 $q4 $q5 $q6 $q7 $q8 $q8 (i32.sub (local.get $q) (i32.const 1))))
    (call $sparse_cols1 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))
    (call $sparse_cols2 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))
    (call $sparse_cols3 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))
    (call $sparse_cols4 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))
    (call $sparse_cols5 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))
    (call $sparse_cols6 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))
    (call $sparse_cols7 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))
    (call $sparse_cols8 (local.get $e) (local.get $e1) (local.get $idx) (local.get $val) (local.get $b) (local.get $init) (local.get $s) (local.get $pc) (local.get $col) (local.get $n) (local.get $relu))
    (return))

  ;; One pass of 1 vector: columns col .. col + 4 of one row, out at pc.
  (func $sparse_cols1
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0)))))

  ;; One pass of 2 vectors: columns col .. col + 8 of one row, out at pc.
  (func $sparse_cols2
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128) (local $a1 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a1 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=16 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $pb)) (local.get $a1)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=16 (local.get $pc) (f32x4.max (local.get $a1) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0))
        (v128.store offset=16 (local.get $pc) (local.get $a1)))))

  ;; One pass of 3 vectors: columns col .. col + 12 of one row, out at pc.
  (func $sparse_cols3
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a1 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=16 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a2 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=32 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $pb)) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $v) (v128.load offset=32 (local.get $pb)) (local.get $a2)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=16 (local.get $pc) (f32x4.max (local.get $a1) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=32 (local.get $pc) (f32x4.max (local.get $a2) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0))
        (v128.store offset=16 (local.get $pc) (local.get $a1))
        (v128.store offset=32 (local.get $pc) (local.get $a2)))))

  ;; One pass of 4 vectors: columns col .. col + 16 of one row, out at pc.
  (func $sparse_cols4
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a1 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=16 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a2 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=32 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a3 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=48 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $pb)) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $v) (v128.load offset=32 (local.get $pb)) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $v) (v128.load offset=48 (local.get $pb)) (local.get $a3)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=16 (local.get $pc) (f32x4.max (local.get $a1) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=32 (local.get $pc) (f32x4.max (local.get $a2) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=48 (local.get $pc) (f32x4.max (local.get $a3) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0))
        (v128.store offset=16 (local.get $pc) (local.get $a1))
        (v128.store offset=32 (local.get $pc) (local.get $a2))
        (v128.store offset=48 (local.get $pc) (local.get $a3)))))

  ;; One pass of 5 vectors: columns col .. col + 20 of one row, out at pc.
  (func $sparse_cols5
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a1 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=16 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a2 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=32 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a3 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=48 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a4 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=64 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $pb)) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $v) (v128.load offset=32 (local.get $pb)) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $v) (v128.load offset=48 (local.get $pb)) (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (local.get $v) (v128.load offset=64 (local.get $pb)) (local.get $a4)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=16 (local.get $pc) (f32x4.max (local.get $a1) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=32 (local.get $pc) (f32x4.max (local.get $a2) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=48 (local.get $pc) (f32x4.max (local.get $a3) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=64 (local.get $pc) (f32x4.max (local.get $a4) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0))
        (v128.store offset=16 (local.get $pc) (local.get $a1))
        (v128.store offset=32 (local.get $pc) (local.get $a2))
        (v128.store offset=48 (local.get $pc) (local.get $a3))
        (v128.store offset=64 (local.get $pc) (local.get $a4)))))

  ;; One pass of 6 vectors: columns col .. col + 24 of one row, out at pc.
  (func $sparse_cols6
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a1 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=16 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a2 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=32 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a3 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=48 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a4 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=64 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a5 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=80 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $pb)) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $v) (v128.load offset=32 (local.get $pb)) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $v) (v128.load offset=48 (local.get $pb)) (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (local.get $v) (v128.load offset=64 (local.get $pb)) (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (local.get $v) (v128.load offset=80 (local.get $pb)) (local.get $a5)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=16 (local.get $pc) (f32x4.max (local.get $a1) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=32 (local.get $pc) (f32x4.max (local.get $a2) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=48 (local.get $pc) (f32x4.max (local.get $a3) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=64 (local.get $pc) (f32x4.max (local.get $a4) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=80 (local.get $pc) (f32x4.max (local.get $a5) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0))
        (v128.store offset=16 (local.get $pc) (local.get $a1))
        (v128.store offset=32 (local.get $pc) (local.get $a2))
        (v128.store offset=48 (local.get $pc) (local.get $a3))
        (v128.store offset=64 (local.get $pc) (local.get $a4))
        (v128.store offset=80 (local.get $pc) (local.get $a5)))))

  ;; One pass of 7 vectors: columns col .. col + 28 of one row, out at pc.
  (func $sparse_cols7
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a1 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=16 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a2 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=32 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a3 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=48 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a4 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=64 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a5 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=80 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a6 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=96 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $pb)) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $v) (v128.load offset=32 (local.get $pb)) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $v) (v128.load offset=48 (local.get $pb)) (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (local.get $v) (v128.load offset=64 (local.get $pb)) (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (local.get $v) (v128.load offset=80 (local.get $pb)) (local.get $a5)))
        (local.set $a6 (f32x4.relaxed_madd (local.get $v) (v128.load offset=96 (local.get $pb)) (local.get $a6)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=16 (local.get $pc) (f32x4.max (local.get $a1) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=32 (local.get $pc) (f32x4.max (local.get $a2) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=48 (local.get $pc) (f32x4.max (local.get $a3) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=64 (local.get $pc) (f32x4.max (local.get $a4) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=80 (local.get $pc) (f32x4.max (local.get $a5) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=96 (local.get $pc) (f32x4.max (local.get $a6) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0))
        (v128.store offset=16 (local.get $pc) (local.get $a1))
        (v128.store offset=32 (local.get $pc) (local.get $a2))
        (v128.store offset=48 (local.get $pc) (local.get $a3))
        (v128.store offset=64 (local.get $pc) (local.get $a4))
        (v128.store offset=80 (local.get $pc) (local.get $a5))
        (v128.store offset=96 (local.get $pc) (local.get $a6)))))

  ;; One pass of 8 vectors: columns col .. col + 32 of one row, out at pc.
  (func $sparse_cols8
    (param $e i32) (param $e1 i32) (param $idx i32) (param $val i32) (param $b i32)
    (param $init i32) (param $s f32) (param $pc i32) (param $col i32) (param $n i32) (param $relu i32)
    (local $bRow i32) (local $pb i32) (local $pi i32) (local $v v128) (local $sv v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $bRow (i32.shl (local.get $n) (i32.const 2)))
    (local.set $b (i32.add (local.get $b) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $pi (i32.add (local.get $init) (i32.shl (local.get $col) (i32.const 2))))
    (local.set $a0 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a1 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=16 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a2 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=32 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a3 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=48 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a4 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=64 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a5 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=80 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a6 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=96 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (local.set $a7 (if (result v128) (local.get $init) (then (f32x4.mul (local.get $sv) (v128.load offset=112 (local.get $pi)))) (else (v128.const f32x4 0 0 0 0))))
    (block $done
      (loop $entries
        (br_if $done (i32.ge_s (local.get $e) (local.get $e1)))
        (local.set $pb (i32.add (local.get $b) (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bRow))))
        (local.set $v (v128.load32_splat (i32.add (local.get $val) (i32.shl (local.get $e) (i32.const 2)))))
        (local.set $a0 (f32x4.relaxed_madd (local.get $v) (v128.load (local.get $pb)) (local.get $a0)))
        (local.set $a1 (f32x4.relaxed_madd (local.get $v) (v128.load offset=16 (local.get $pb)) (local.get $a1)))
        (local.set $a2 (f32x4.relaxed_madd (local.get $v) (v128.load offset=32 (local.get $pb)) (local.get $a2)))
        (local.set $a3 (f32x4.relaxed_madd (local.get $v) (v128.load offset=48 (local.get $pb)) (local.get $a3)))
        (local.set $a4 (f32x4.relaxed_madd (local.get $v) (v128.load offset=64 (local.get $pb)) (local.get $a4)))
        (local.set $a5 (f32x4.relaxed_madd (local.get $v) (v128.load offset=80 (local.get $pb)) (local.get $a5)))
        (local.set $a6 (f32x4.relaxed_madd (local.get $v) (v128.load offset=96 (local.get $pb)) (local.get $a6)))
        (local.set $a7 (f32x4.relaxed_madd (local.get $v) (v128.load offset=112 (local.get $pb)) (local.get $a7)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $entries)))
    (local.set $pc (i32.add (local.get $pc) (i32.shl (local.get $col) (i32.const 2))))
    (if (local.get $relu)
      (then
        (v128.store (local.get $pc) (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=16 (local.get $pc) (f32x4.max (local.get $a1) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=32 (local.get $pc) (f32x4.max (local.get $a2) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=48 (local.get $pc) (f32x4.max (local.get $a3) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=64 (local.get $pc) (f32x4.max (local.get $a4) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=80 (local.get $pc) (f32x4.max (local.get $a5) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=96 (local.get $pc) (f32x4.max (local.get $a6) (v128.const f32x4 0 0 0 0)))
        (v128.store offset=112 (local.get $pc) (f32x4.max (local.get $a7) (v128.const f32x4 0 0 0 0))))
      (else
        (v128.store (local.get $pc) (local.get $a0))
        (v128.store offset=16 (local.get $pc) (local.get $a1))
        (v128.store offset=32 (local.get $pc) (local.get $a2))
        (v128.store offset=48 (local.get $pc) (local.get $a3))
        (v128.store offset=64 (local.get $pc) (local.get $a4))
        (v128.store offset=80 (local.get $pc) (local.get $a5))
        (v128.store offset=96 (local.get $pc) (local.get $a6))
        (v128.store offset=112 (local.get $pc) (local.get $a7)))))
)
