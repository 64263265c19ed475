// Starts Swagger UI on /docs. A file rather than an inline script: the pages' CSP allows no
// inline script. The schema's address comes from the page (data-openapi).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  // validatorUrl null: no badge fetched from validator.swagger.io (the CSP would block it anyway).
  window.ui = SwaggerUIBundle({ url: root.dataset.openapi, dom_id: "#swagger-ui", deepLinking: true,
                                validatorUrl: null });
});
