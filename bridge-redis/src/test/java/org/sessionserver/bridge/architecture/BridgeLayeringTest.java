package org.sessionserver.bridge.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The bridge: the seams (bus, directory, cluster channel) with their in-memory twins on top of nothing, the Redis
 * twins beneath them; engines use it without the server, so it knows nothing of the server, nor of netty-socketio.
 */
@AnalyzeClasses(packages = "org.sessionserver.bridge", importOptions = ImportOption.DoNotIncludeTests.class)
class BridgeLayeringTest {
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.sessionserver.bridge.(**)").should()
            .beFreeOfCycles();

    @ArchTest
    static final ArchRule seamsDoNotKnowRedis = noClasses().that().resideInAPackage("org.sessionserver.bridge")
            .should().dependOnClassesThat().resideInAPackage("org.sessionserver.bridge.redis..");

    @ArchTest
    static final ArchRule knowsNothingOfTheServer = noClasses().that().resideInAPackage("org.sessionserver.bridge..")
            .should().dependOnClassesThat().resideInAnyPackage("org.sessionserver.transport..",
                    "org.sessionserver.sessions..", "org.sessionserver.routing..", "com.corundumstudio..");
}
