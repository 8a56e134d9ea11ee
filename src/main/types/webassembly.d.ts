/**
 * The part of the WebAssembly JavaScript API that the SIMD kernels (kernels/simd/) use. Node
 * and Electron have it at run time; its TypeScript types live in lib.dom, which the main side
 * does not load (only @types/emscripten's empty `WebAssembly.Module` interface is in scope,
 * and these merge with it).
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}
