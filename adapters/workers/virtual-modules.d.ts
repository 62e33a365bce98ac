/** The built help widget, inlined into the Worker bundle by its build (scripts/build-worker.ts). */
declare module 'virtual:widget-script' {
  const script: string;
  export default script;
}
