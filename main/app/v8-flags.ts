/** V8 flags of the app's main process (main/electron passes them; bench/soak runs Node with them). */
export const APP_JS_FLAGS = '';
