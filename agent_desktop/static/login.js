"use strict";
(async () => {
  const lang = document.getElementById("lang");
  lang.value = navigator.language?.startsWith("zh") ? "zh_CN" : "en";
  await CC.loadTexts(lang.value);
  lang.addEventListener("change", () => CC.loadTexts(lang.value));
  document.getElementById("form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch("/api/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": lang.value },
      body: JSON.stringify({ username: username.value, password: password.value }),
    });
    const body = await r.json();
    if (!r.ok) { document.getElementById("error").textContent = body.message; return; }
    location.href = "/home";
  });
})();
