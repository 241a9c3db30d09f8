// esbuild bundles CSS imported from TS into dist/app.css.
declare module '*.css';
