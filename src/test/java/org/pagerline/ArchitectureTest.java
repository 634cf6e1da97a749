package org.pagerline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * The shape from ARCHITECTURE.md, held by tests: arrows point inward. core sees only the JDK;
 * service sees core; an adapter sees service, core and its own library, never another adapter;
 * the command line sees service; only boot reads the system clock.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pagerline");

    @Test
    void the_core_depends_on_nothing_but_the_jdk() {
        noClasses().that().resideInAPackage("org.pagerline.core..")
                .should().dependOnClassesThat().resideOutsideOfPackages("java..", "org.pagerline.core..")
                .check(MAIN);
    }

    @Test
    void the_service_layer_sees_no_adapter_cli_or_boot() {
        noClasses().that().resideInAPackage("org.pagerline.service..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pagerline.adapter..", "org.pagerline.cli..",
                        "org.pagerline.boot..")
                .check(MAIN);
    }

    @Test
    void adapters_never_reach_into_each_other() {
        slices().matching("org.pagerline.adapter.(*)..").should().notDependOnEachOther().check(MAIN);
    }

    @Test
    void the_command_line_uses_services_not_adapters() {
        noClasses().that().resideInAPackage("org.pagerline.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pagerline.adapter..", "org.pagerline.boot..")
                .check(MAIN);
    }

    @Test
    void only_boot_reads_the_system_clock() {
        noClasses().that().resideOutsideOfPackage("org.pagerline.boot..")
                .should().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .check(MAIN);
    }
}
