/* Start Swagger UI on the app's OpenAPI document (kept out of the HTML for the CSP).
   validatorUrl: null stops Swagger UI fetching its online validator badge from the internet. */
window.addEventListener("DOMContentLoaded", function () {
  window.SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", validatorUrl: null });
});
