package org.pagerline.core.call;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The support line's core packages stay pure, like the rest of the core. */
class LineCoreDependencyTest {
    final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pagerline.core.call", "org.pagerline.core.directory");

    @Test
    void onlyTheJdkAndTheCore() {
        noClasses().should().dependOnClassesThat().resideOutsideOfPackages("java..", "org.pagerline.core..")
                .orShould().callMethod(Instant.class, "now")
                .check(classes);
    }

    @Test
    void theSimulatorSpeaksRawTcpNotTheAdapters() {
        noClasses().that().resideInAPackage("org.pagerline.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pagerline.adapter..", "org.asteriskjava..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("org.pagerline.cli"));
    }
}
