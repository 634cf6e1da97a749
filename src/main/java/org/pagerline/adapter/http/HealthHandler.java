package org.pagerline.adapter.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;
import org.pagerline.service.HealthService;

/**
 * {@code GET /health}: {"status":"UP","database":"UP","scheduler":"UP","agi":"UP"}; 200 when
 * every part is up, 503 otherwise, so a load balancer or monitor can read the status alone.
 */
public final class HealthHandler implements Handler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HealthService health;

    public HealthHandler(HealthService health) {
        this.health = health;
    }

    @Override
    public void handle(Context ctx) {
        String method = ctx.method().name();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            ctx.header("Allow", "GET, HEAD");
            HttpEndpoint.send(ctx, 405, "application/json", "{\"error\":\"method not allowed\"}");
            return;
        }
        Map<String, Boolean> report = health.report();
        boolean all = report.values().stream().allMatch(Boolean::booleanValue);
        ObjectNode body = JSON.createObjectNode();
        body.put("status", all ? "UP" : "DOWN");
        report.forEach((name, up) -> body.put(name, up ? "UP" : "DOWN"));
        HttpEndpoint.send(ctx, all ? 200 : 503, "application/json", body.toString());
    }
}
