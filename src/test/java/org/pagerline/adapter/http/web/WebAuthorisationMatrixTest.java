package org.pagerline.adapter.http.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pagerline.core.ticket.Priority;
import org.pagerline.service.VoicemailIncident;
import org.pagerline.service.web.PortalDesk;

/**
 * Every route of the console and the portal, as each kind of visitor: anonymous, client A (Acme),
 * client B (Bolt), technician, lead, admin. A page asks a stranger to sign in (303), a view or a
 * file answers 401, the admin pages refuse non-admins (403), and another company's ticket or file
 * does not exist for a client (404).
 */
class WebAuthorisationMatrixTest {
    static WebRig rig;
    static long ticket;
    static long attachment;
    static long incident;
    static final List<String> WHO = List.of("anonymous", "client A", "client B", "tech", "lead", "admin");

    @BeforeAll
    static void desk() {
        rig = new WebRig();
        var t = rig.services.tickets();
        var filed = new PortalDesk(rig.db.transactions(), rig.clock, new org.pagerline.service.PhoneNumbers("CA"),
                new org.pagerline.service.web.Tokens(), (c, e, l) -> "", Runnable::run, t)
                .submit(rig.jane, new PortalDesk.NewTicket("Jane Doe", "+12045550123", "P4", "printer jammed",
                        List.of(new PortalDesk.Upload("jam.txt", "text/plain", "paper".getBytes()))));
        ticket = filed.id();
        attachment = rig.db.transactions().inTransaction(s -> s.web().attachments(filed.id()).get(0).id());
        incident = rig.services.incidents().openFromVoicemail(new VoicemailIncident(ticket, Priority.P2, "+12045550123",
                "Jane Doe", "Acme Ltd", "+12045550123", null, rig.clock.instant()));
        t.find(ticket);
    }

    @AfterAll
    static void close() {
        rig.close();
    }

    record Row(String method, String pattern, String path, Map<String, String> form, int... expected) {}

    private static List<Row> rows() {
        String T = Long.toString(ticket);
        String I = Long.toString(incident);
        String A = Long.toString(attachment);
        List<Row> r = new ArrayList<>();
        //                                                                           anon A    B    tech lead admin
        r.add(new Row("GET", "/console/signin", "/console/signin", null, 200, 200, 200, 200, 200, 200));
        r.add(new Row("POST", "/console/signin", "/console/signin", Map.of("name", "nobody", "password", "wrong password!"),
                401, 401, 401, 401, 401, 401));
        r.add(new Row("GET", "/console", "/console", null, 303, 303, 303, 200, 200, 200));
        r.add(new Row("GET", "/console/events", "/console/events", null, 401, 401, 401, 200, 200, 200));
        r.add(new Row("GET", "/console/views/{name}", "/console/views/queue", null, 401, 401, 401, 200, 200, 200));
        r.add(new Row("GET", "/console/tickets/{id}", "/console/tickets/" + T, null, 303, 303, 303, 200, 200, 200));
        r.add(new Row("POST", "/console/tickets/{id}/{action}", "/console/tickets/" + T + "/note", Map.of("text", "checked"),
                401, 401, 401, 303, 303, 303));
        r.add(new Row("GET", "/console/incidents/{id}", "/console/incidents/" + I, null, 303, 303, 303, 200, 200, 200));
        // the lead and the admin are not technicians on the roster: told so (400)
        r.add(new Row("POST", "/console/incidents/{id}/acknowledge", "/console/incidents/" + I + "/acknowledge", Map.of(),
                401, 401, 401, 303, 400, 400));
        r.add(new Row("POST", "/console/queue/{action}", "/console/queue/signin", Map.of(), 401, 401, 401, 303, 400, 400));
        r.add(new Row("GET", "/console/recordings/{id}", "/console/recordings/1", null, 401, 401, 401, 404, 404, 404));
        r.add(new Row("GET", "/console/attachments/{id}", "/console/attachments/" + A, null, 401, 401, 401, 200, 200, 200));
        r.add(new Row("GET", "/console/admin", "/console/admin", null, 303, 303, 303, 403, 403, 200));
        r.add(new Row("POST", "/console/admin/{what}", "/console/admin/holidays", Map.of("date", "2026-12-25", "name",
                "Christmas"), 401, 401, 401, 403, 403, 303));
        // technicians are edited and removed by admins only (no technician 999999: refused on the admin page, 400)
        r.add(new Row("POST", "/console/admin/{what}", "/console/admin/technicians-edit", Map.of("id", "999999", "phone",
                "+12045550188"), 401, 401, 401, 403, 403, 400));
        r.add(new Row("POST", "/console/admin/{what}", "/console/admin/technicians-remove", Map.of("id", "999999"),
                401, 401, 401, 403, 403, 400));
        // a reply on the ticket (an email ticket's is mailed too)
        r.add(new Row("POST", "/console/tickets/{id}/{action}", "/console/tickets/" + T + "/reply", Map.of("text", "on it"),
                401, 401, 401, 303, 303, 303));
        r.add(new Row("GET", "/portal/signin", "/portal/signin", null, 200, 200, 200, 200, 200, 200));
        r.add(new Row("POST", "/portal/signin", "/portal/signin", Map.of("email", "x@y.example"), 200, 200, 200, 200, 200, 200));
        r.add(new Row("GET", "/portal/link/{token}", "/portal/link/abc", null, 200, 200, 200, 200, 200, 200));
        r.add(new Row("POST", "/portal/link/{token}", "/portal/link/abc", Map.of(), 400, 400, 400, 400, 400, 400));
        r.add(new Row("GET", "/portal", "/portal", null, 303, 200, 200, 303, 303, 303));
        r.add(new Row("GET", "/portal/new", "/portal/new", null, 303, 200, 200, 303, 303, 303));
        r.add(new Row("POST", "/portal/tickets", "/portal/tickets", Map.of("name", "Jane Doe", "callback", "+12045550123",
                "priority", "P5", "description", "new mouse please"), 401, 303, 303, 401, 401, 401));
        r.add(new Row("GET", "/portal/tickets/{id}", "/portal/tickets/" + T, null, 303, 200, 404, 303, 303, 303));
        r.add(new Row("POST", "/portal/tickets/{id}/reply", "/portal/tickets/" + T + "/reply", Map.of("text", "still jammed"),
                401, 303, 404, 401, 401, 401));
        r.add(new Row("GET", "/portal/attachments/{id}", "/portal/attachments/" + A, null, 401, 200, 404, 401, 401, 401));
        r.add(new Row("POST", "/portal/signout", "/portal/signout", Map.of(), 401, 303, 303, 401, 401, 401));
        r.add(new Row("POST", "/console/signout", "/console/signout", Map.of(), 401, 401, 401, 303, 303, 303));
        return r;
    }

    private static WebRig.Browser as(String who) throws Exception {
        WebRig.Browser b = rig.new Browser();
        return switch (who) {
            case "anonymous" -> b;
            case "client A" -> b.client("jane@acme.example");
            case "client B" -> b.client("bob@bolt.example");
            case "tech" -> b.staff("Tess Tech");
            case "lead" -> b.staff("Lars Lead");
            case "admin" -> b.staff("Ada Admin");
            default -> throw new IllegalArgumentException(who);
        };
    }

    @Test
    void everyRouteAnswersEachKindOfVisitorAsItShould() throws Exception {
        Map<String, String> wrong = new LinkedHashMap<>();
        for (int w = 0; w < WHO.size(); w++) {
            rig.clock.advance(Duration.ofMinutes(16)); // each visitor's wrong password starts a fresh sign-in window
            WebRig.Browser b = as(WHO.get(w));
            for (Row row : rows()) {
                int status;
                if (row.method().equals("GET") && row.path().equals("/console/events")) {
                    HttpResponse<InputStream> r = b.client.send(HttpRequest.newBuilder(URI.create(rig.base + row.path()))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
                    status = r.statusCode();
                    r.body().close();
                } else if (row.method().equals("GET")) {
                    status = b.get(row.path()).statusCode();
                } else {
                    // the token of the page the form is on
                    b.get(row.path().startsWith("/console/signin") ? "/console/signin"
                            : row.path().startsWith("/console") ? "/console"
                            : row.path().startsWith("/portal/signin") || row.path().startsWith("/portal/link") ? "/portal/signin"
                            : "/portal");
                    status = b.submit(row.path(), row.form()).statusCode();
                }
                if (status != row.expected()[w]) {
                    wrong.put(WHO.get(w) + " " + row.method() + " " + row.path(), "got " + status + ", want " + row.expected()[w]);
                }
            }
        }
        assertEquals(Map.of(), wrong);
    }

    @Test
    void theMatrixCoversEveryRoute() {
        Set<String> covered = new TreeSet<>();
        rows().forEach(r -> covered.add(r.pattern()));
        assertEquals(new TreeSet<>(rig.web.routes().keySet()), covered);
    }
}
