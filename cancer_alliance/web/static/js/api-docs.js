/* Start Swagger UI on the app's OpenAPI document (kept out of the HTML for the CSP). */
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui" });
});
