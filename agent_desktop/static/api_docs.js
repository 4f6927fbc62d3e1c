"use strict";
// The admin's interactive API docs: Swagger UI on this site's schema (the session cookie goes along).
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
});
