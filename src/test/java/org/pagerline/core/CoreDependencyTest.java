package org.pagerline.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The domain core stays pure: only java.* and no reading of the clock. */
class CoreDependencyTest {

    static final String[] CORE = {"org.pagerline.core.."};

    final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pagerline.core");

    @Test
    void coreDependsOnlyOnTheJdk() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideOutsideOfPackages(
                        "java..", "org.pagerline.core..")
                .check(classes);
    }

    @Test
    void coreNeverReadsTheClock() {
        noClasses().that().resideInAnyPackage(CORE)
                .should().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .check(classes);
    }
}
