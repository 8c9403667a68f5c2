// Starts Swagger UI on /api/v1/docs. A file, not an inline script, so the page keeps the
// strict Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  window.addEventListener("load", function () {
    window.ui = SwaggerUIBundle({
      url: "/api/v1/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  });
})();
