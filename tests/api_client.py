"""/api/v1 as a given user through the Flask test client: for tests and benchmarks."""
from __future__ import annotations

from engine.ops import demo


class Api:
    """Calls /api/v1 as a given user, with bearer tokens obtained through the API itself."""

    def __init__(self, client):
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.client.post("/api/v1/auth/token",
                                        json={"username": username, "password": demo.DEMO_PASSWORD})
            assert response.status_code == 200, response.get_json()
            self._tokens[username] = response.get_json()["token"]
        return self._tokens[username]

    def forget_tokens(self) -> None:
        """Drop the cached tokens, e.g. after the app's clock moved past their expiry."""
        self._tokens.clear()

    def get(self, path: str, as_user: str):
        return self.client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {self.token(as_user)}"})

    def post(self, path: str, as_user: str, json: dict):
        return self.client.post(f"/api/v1{path}", json=json,
                                headers={"Authorization": f"Bearer {self.token(as_user)}"})

    def start(self, title: str, as_user: str = "bangong") -> int:
        response = self.post("/processes/major_decision/instances", as_user, {"title": title, "data": {}})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def instance(self, instance_id: int, as_user: str = "jiwei") -> dict:
        """The matter as ``as_user`` sees it; material withheld from the auditor (R15) is read as its starter."""
        response = self.get(f"/instances/{instance_id}", as_user)
        assert response.status_code == 200, response.get_json()
        matter = response.get_json()
        if matter["withheld"] and as_user == "jiwei":
            return self.instance(instance_id, matter["started_by"])
        return matter

    def complete(self, task_id: int, as_user: str, data: dict):
        return self.post(f"/tasks/{task_id}/complete", as_user, {"data": data})
