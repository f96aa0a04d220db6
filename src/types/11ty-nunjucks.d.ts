// The maintained Nunjucks fork has the same API as nunjucks; reuse its published types.
declare module "@11ty/nunjucks" {
  import nunjucks from "nunjucks";
  export = nunjucks;
}
